package dev.ledge.cli;

import dev.ledge.kernels.VectorSupport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ledge info}: the machine and kernel facts that decide how Ledge runs here. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Print Java version and vendor, cores, memory, vector width and active kernels.")
final class InfoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Runtime rt = Runtime.getRuntime();
    row(out, "ledge", Main.version());
    row(
        out,
        "java",
        Runtime.version()
            + " ("
            + System.getProperty("java.vendor")
            + ", "
            + System.getProperty("java.vm.name")
            + ")");
    row(out, "java home", System.getProperty("java.home"));
    row(
        out,
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    row(out, "cores", Integer.toString(rt.availableProcessors()));
    row(out, "max heap", (rt.maxMemory() >> 20) + " MiB");
    boolean module = VectorSupport.moduleAvailable();
    row(
        out,
        "vector api",
        module
            ? "available (jdk.incubator.vector)"
            : "not available (start the JVM with --add-modules jdk.incubator.vector)");
    VectorSupport.preferredFloatSpecies()
        .ifPresent(
            s ->
                row(
                    out,
                    "vector species",
                    s.name() + ": " + s.bits() + " bits, " + s.floatLanes() + " float lanes"));
    row(out, "kernels", dev.ledge.kernels.KernelProvider.current().describe());
    out.flush();
    return 0;
  }

  private static void row(PrintWriter out, String key, String value) {
    out.printf("%-16s %s%n", key + ":", value);
  }
}
