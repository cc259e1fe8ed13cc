package dev.ledge.cli;

import dev.ledge.graph.ModelDef;
import dev.ledge.graph.ValueInfo;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.ModelStats;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import dev.ledge.tensor.DType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledge inspect}: what a model is, at a glance. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show a model's opsets, inputs and outputs (dtypes and shapes), operator histogram,"
          + " parameters by dtype and estimated multiply-accumulates.",
      "",
      "With --optimized (or --level), also run the graph passes of a session at that level and"
          + " show the operator histogram and parameters before and after.",
      ""
    })
final class InspectCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "An .onnx file.")
  Path model;

  @Option(
      names = "--optimized",
      description = "Also show the graph after the optimization passes sessions run.")
  boolean optimized;

  @Option(
      names = "--level",
      paramLabel = "LEVEL",
      description =
          "Optimization level for --optimized: ${COMPLETION-CANDIDATES} (default: ALL, as"
              + " sessions). Implies --optimized.")
  OptimizationLevel level;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Model m = Model.load(model);
    ModelDef def = m.definition();
    out.printf("model:      %s%n", model);
    out.printf(
        "producer:   %s %s (IR version %d)%n",
        blank(def.producerName()), def.producerVersion(), def.irVersion());
    List<String> opsets = new ArrayList<>();
    def.opsetImports().forEach((d, v) -> opsets.add((d.isEmpty() ? "ai.onnx" : d) + " " + v));
    out.printf("opsets:     %s%n", String.join(", ", opsets));
    out.println();
    out.println("inputs:");
    for (ValueInfo v : m.inputs()) {
      out.printf("  %-28s %s%n", v.name(), v.type());
    }
    out.println("outputs:");
    Map<String, dev.ledge.graph.ValueType> inferred = Map.of();
    String inferenceProblem = null;
    try {
      inferred = m.inferredTypes();
    } catch (dev.ledge.LedgeException e) {
      inferenceProblem = e.getMessage();
    }
    for (ValueInfo v : m.outputs()) {
      var t = v.type() != null ? v.type() : inferred.get(v.name());
      out.printf("  %-28s %s%n", v.name(), t);
    }
    ModelStats stats = ModelStats.of(m, inferred);
    out.println();
    if (optimized || level != null) {
      printOptimized(out, m, stats, level != null ? level : OptimizationLevel.ALL);
    } else {
      out.printf("operators:  %d nodes, %d op types%n", nodes(stats), stats.opCounts().size());
      stats.opCounts().entrySet().stream()
          .sorted(
              Map.Entry.<String, Integer>comparingByValue()
                  .reversed()
                  .thenComparing(Map.Entry.comparingByKey()))
          .forEach(e -> out.printf("  %-28s %6d%n", e.getKey(), e.getValue()));
      out.println();
      printParameters(out, stats);
    }
    out.println();
    out.printf(
        "MACs:       %s (Conv, ConvTranspose, Gemm, MatMul with static shapes)%s%n",
        humanCount(stats.macs()),
        stats.macsUnknownNodes() > 0
            ? "; "
                + stats.macsUnknownNodes()
                + " such nodes have dynamic shapes and are not counted"
            : "");
    if (inferenceProblem != null) {
      out.println();
      out.println(
          "note: type inference failed, so shapes and MACs are partial: " + inferenceProblem);
    }
    out.flush();
    return 0;
  }

  private static int nodes(ModelStats stats) {
    return stats.opCounts().values().stream().mapToInt(Integer::intValue).sum();
  }

  private static void printParameters(PrintWriter out, ModelStats stats) {
    long totalParams = stats.paramCount().values().stream().mapToLong(Long::longValue).sum();
    long totalBytes = stats.paramBytes().values().stream().mapToLong(Long::longValue).sum();
    out.printf("parameters: %,d (%s)%n", totalParams, bytes(totalBytes));
    for (Map.Entry<DType, Long> e : stats.paramCount().entrySet()) {
      out.printf(
          "  %-28s %,14d  %s%n",
          e.getKey(), e.getValue(), bytes(stats.paramBytes().get(e.getKey())));
    }
  }

  /** The operator histogram before and after the level's passes, then both parameter tables. */
  private static void printOptimized(
      PrintWriter out, Model m, ModelStats before, OptimizationLevel level) {
    long t0 = System.nanoTime();
    ModelDef optimizedDef = m.optimizedDefinition(level);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    ModelStats after = ModelStats.of(Model.of(optimizedDef), Map.of());
    out.printf(
        "operators:  %d nodes, %d op types; after %s passes: %d nodes, %d op types%n",
        nodes(before), before.opCounts().size(), level, nodes(after), after.opCounts().size());
    out.printf("  %-28s %6s %6s%n", "", "before", "after");
    TreeSet<String> ops = new TreeSet<>(before.opCounts().keySet());
    ops.addAll(after.opCounts().keySet());
    ops.stream()
        .sorted(
            java.util.Comparator.<String>comparingInt(op -> -before.opCounts().getOrDefault(op, 0))
                .thenComparing(op -> -after.opCounts().getOrDefault(op, 0))
                .thenComparing(op -> op))
        .forEach(
            op ->
                out.printf(
                    "  %-28s %6d %6d%n",
                    op,
                    before.opCounts().getOrDefault(op, 0),
                    after.opCounts().getOrDefault(op, 0)));
    out.printf("passes:     %s in %d ms%n", level, ms);
    out.println();
    out.print("before: ");
    printParameters(out, before);
    out.printf("after %s: ", level);
    printParameters(out, after);
  }

  private static String blank(String s) {
    return s.isEmpty() ? "(unknown producer)" : s;
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1 << 20) {
      return String.format("%.1f KiB", b / 1024.0);
    }
    if (b < 1L << 30) {
      return String.format("%.1f MiB", b / (1024.0 * 1024));
    }
    return String.format("%.2f GiB", b / (1024.0 * 1024 * 1024));
  }

  static String humanCount(long n) {
    if (n >= 1_000_000_000L) {
      return String.format("%.2f G", n / 1e9);
    }
    if (n >= 1_000_000L) {
      return String.format("%.2f M", n / 1e6);
    }
    if (n >= 1_000L) {
      return String.format("%.1f K", n / 1e3);
    }
    return Long.toString(n);
  }
}
