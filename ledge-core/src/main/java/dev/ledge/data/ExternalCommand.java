package dev.ledge.data;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a package-manager client with no stdin, a time limit and captured output. */
final class ExternalCommand {
  private ExternalCommand() {}

  /** Result of a finished command. */
  record Result(int exitCode, String output) {}

  /** True if {@code program} is an executable on PATH. */
  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static Result run(List<String> command, Path workDir, Duration timeout)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(workDir, "cmd", ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      return new Result(-1, "timed out after " + timeout.toSeconds() + " s\n" + tail(log));
    }
    return new Result(p.exitValue(), tail(log));
  }

  private static String tail(Path log) throws IOException {
    String s = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
  }
}
