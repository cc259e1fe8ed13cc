package dev.ledge.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ledge.data.DataCache;
import dev.ledge.data.DataCatalog;
import dev.ledge.data.PinnedPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Access to test data that lives outside the repository: pinned packages in the Ledge cache and the
 * shared ONNX conformance data in {@code ../shared}. When data is missing, a test is skipped with a
 * printed reason on a developer machine, and fails when {@code CI=true} (CI always has the data).
 */
public final class TestData {
  private TestData() {}

  /** True when running in CI, where missing data is an error. */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (or, in CI, fails) the current test with the given reason. */
  public static void unavailable(String reason) {
    if (inCi()) {
      fail("test data unavailable in CI: " + reason);
    }
    System.out.println("SKIPPED (data unavailable): " + reason);
    Assumptions.abort(reason);
  }

  /** The verified cache directory of a pinned package; never fetches. */
  public static Path pinnedPackage(String name) {
    PinnedPackage pkg = DataCatalog.require(name);
    DataCache cache = DataCache.standard();
    List<String> problems = cache.problems(pkg);
    if (!problems.isEmpty()) {
      unavailable(
          "package '"
              + name
              + "' is not in the cache "
              + cache.root()
              + " (run: ./ledge fetch "
              + name
              + "); "
              + problems.getFirst());
    }
    return cache.directory(pkg);
  }

  /** A pinned file of a pinned package, verified. */
  public static Path pinnedFile(String name, String path) {
    pinnedPackage(name);
    return DataCache.standard().file(DataCatalog.require(name), path);
  }

  /** The project's checkout root. */
  public static Path repoRoot() {
    String env = System.getenv("LEDGE_REPO_ROOT");
    if (env != null && Files.isDirectory(Path.of(env))) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    Path p = Path.of("").toAbsolutePath();
    for (Path q = p; q != null; q = q.getParent()) {
      if (Files.isRegularFile(q.resolve("mvnw"))) {
        return q;
      }
    }
    return p;
  }

  /** A directory under {@code ../shared} (e.g. {@code onnx-tests/node}). */
  public static Path shared(String relative) {
    Path dir = repoRoot().resolveSibling("shared").resolve(relative);
    if (!Files.isDirectory(dir)) {
      unavailable("shared test data " + dir + " is absent");
    }
    return dir;
  }
}
