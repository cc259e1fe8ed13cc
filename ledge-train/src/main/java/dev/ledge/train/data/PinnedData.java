package dev.ledge.train.data;

import dev.ledge.data.DataCache;
import dev.ledge.data.DataCatalog;
import dev.ledge.data.DataException;
import dev.ledge.data.PinnedPackage;
import java.nio.file.Path;
import java.util.List;

/** Locates verified pinned packages in the standard cache, never fetching. */
final class PinnedData {
  private PinnedData() {}

  /** The cache directory of a pinned package, or a clear error saying how to fetch it. */
  static Path directory(String name) {
    PinnedPackage pkg = DataCatalog.require(name);
    DataCache cache = DataCache.standard();
    List<String> problems = cache.problems(pkg);
    if (!problems.isEmpty()) {
      throw new DataException(
          "data package '"
              + name
              + "' is not in the cache "
              + cache.root()
              + " ("
              + problems.getFirst()
              + "); run: ledge fetch "
              + name);
    }
    return cache.directory(pkg);
  }
}
