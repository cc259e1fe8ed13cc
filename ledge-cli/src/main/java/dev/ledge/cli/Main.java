package dev.ledge.cli;

import dev.ledge.LedgeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ledge} command-line tool. */
@Command(
    name = "ledge",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
      "On-device machine learning for the JVM, in pure Java: run ONNX models, shrink them, train"
          + " them, on the device.",
      ""
    },
    subcommands = {
      InfoCommand.class,
      InspectCommand.class,
      RunCommand.class,
      FetchCommand.class,
      ConformanceCommand.class,
      TestCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Run 'ledge COMMAND --help' for a command's options. Set LEDGE_DEBUG=1 for stack traces."
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (for tests). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    for (CommandProvider p : java.util.ServiceLoader.load(CommandProvider.class)) {
      for (Object command : p.commands()) {
        cl.addSubcommand(command);
      }
    }
    cl.setExecutionExceptionHandler(Main::handle);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl.execute(args);
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    if (e instanceof LedgeException) {
      err.println("ledge: error: " + e.getMessage());
    } else {
      err.println("ledge: internal error: " + e);
    }
    if (System.getenv("LEDGE_DEBUG") != null || !(e instanceof LedgeException)) {
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  /** Ledge's version, from the build. */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }

  /** Version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "ledge " + version(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
