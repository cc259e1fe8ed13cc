package dev.ledge.cli;

import dev.ledge.LedgeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ledge test}: the project's full test suite, under the JDK running this CLI. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Run the full test suite ('./mvnw -B verify') with the JDK 25 the launcher found.",
      "Extra arguments after '--' go to Maven, e.g. 'ledge test -- -pl ledge-core'."
    })
final class TestCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MAVEN_ARG", arity = "0..*", description = "Extra Maven arguments.")
  List<String> mavenArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path root = repoRoot();
    List<String> cmd = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "verify"));
    cmd.addAll(mavenArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).inheritIO();
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start().waitFor();
  }

  /** The checkout this CLI was built from: set by the launcher, else found from the jar's place. */
  static Path repoRoot() {
    String prop = System.getProperty("ledge.repo");
    if (prop != null && Files.isExecutable(Path.of(prop, "mvnw"))) {
      return Path.of(prop);
    }
    try {
      Path p =
          Path.of(TestCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (; p != null; p = p.getParent()) {
        if (Files.isExecutable(p.resolve("mvnw")) && Files.isRegularFile(p.resolve("pom.xml"))) {
          return p;
        }
      }
    } catch (Exception e) {
      // fall through to the error below
    }
    throw new LedgeException(
        "cannot find the Ledge source checkout (a directory with mvnw and pom.xml); run this from"
            + " the checkout with ./ledge test");
  }
}
