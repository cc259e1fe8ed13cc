package dev.ledge.cli;

import dev.ledge.graph.ModelDef;
import dev.ledge.graph.ValueInfo;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.ModelStats;
import dev.ledge.tensor.DType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ledge inspect}: what a model is, at a glance. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show a model's opsets, inputs and outputs (dtypes and shapes), operator histogram,"
          + " parameters by dtype and estimated multiply-accumulates.",
      ""
    })
final class InspectCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "An .onnx file.")
  Path model;

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
    int nodes = stats.opCounts().values().stream().mapToInt(Integer::intValue).sum();
    out.printf("operators:  %d nodes, %d op types%n", nodes, stats.opCounts().size());
    stats.opCounts().entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> out.printf("  %-28s %6d%n", e.getKey(), e.getValue()));
    out.println();
    long totalParams = stats.paramCount().values().stream().mapToLong(Long::longValue).sum();
    long totalBytes = stats.paramBytes().values().stream().mapToLong(Long::longValue).sum();
    out.printf("parameters: %,d (%s)%n", totalParams, bytes(totalBytes));
    for (Map.Entry<DType, Long> e : stats.paramCount().entrySet()) {
      out.printf(
          "  %-28s %,14d  %s%n",
          e.getKey(), e.getValue(), bytes(stats.paramBytes().get(e.getKey())));
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
