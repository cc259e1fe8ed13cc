package dev.ledge.bench;

import ai.onnxruntime.OrtException;
import dev.ledge.LedgeException;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.tensor.Npy;
import dev.ledge.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledge bench}: latency of one model, optionally side by side with ONNX Runtime. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure a model: session creation, median and p90 latency, bytes allocated per run.",
      "",
      "With --compare-ort, ONNX Runtime runs the same model on the same inputs in the same"
          + " process, alternating call by call, and the Ledge/ORT median ratio is printed."
          + " Timed calls include what a Java caller pays on both sides: wrapping inputs and"
          + " extracting outputs. Inputs not given are random data of the declared shape"
          + " (symbolic dims set to 1).",
      ""
    },
    footer = {
      "",
      "Example: ledge bench model.onnx --threads 1 --runs 50 --compare-ort --json r.json"
    })
final class BenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "An .onnx file.")
  Path model;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Intra-op threads for both engines (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--runs",
      defaultValue = "30",
      description = "Timed runs (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "NAME=FILE.npy",
      description = "Input from a .npy file (repeatable).")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--shape",
      paramLabel = "NAME=D1xD2...",
      description =
          "Shape of a random input whose declared shape has unknown dims, e.g. input=1x576 (repeatable).")
  List<String> shapes = new ArrayList<>();

  @Option(
      names = "--carry",
      paramLabel = "OUTPUT=INPUT",
      description =
          "Feed an output back as an input of the next run, as a stateful model is used (e.g. Silero VAD: stateN=state). Each engine carries its own. Repeatable.")
  List<String> carries = new ArrayList<>();

  @Option(names = "--compare-ort", description = "Also run ONNX Runtime and print the ratio.")
  boolean compareOrt;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed for random inputs (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
  Path json;

  @Option(
      names = "--profile",
      description =
          "After the timed runs, run --runs more times with per-operator timing and print the table (not part of the reported latency).")
  boolean profile;

  @Override
  public Integer call() throws OrtException, IOException {
    if (runs < 1 || warmup < 0 || threads < 1) {
      throw new LedgeException("--runs must be >= 1, --warmup >= 0, --threads >= 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Tensor> feed = inputs();
    Map<String, String> carry = carries(feed);
    Map<String, Tensor> ortFeed = new LinkedHashMap<>(feed);

    long t0 = System.nanoTime();
    Model m = Model.load(model);
    Session session = m.newSession(SessionOptions.defaults().threads(threads));
    double ledgeLoadMs = (System.nanoTime() - t0) / 1e6;

    OrtRunner ort = null;
    double ortLoadMs = 0;
    if (compareOrt) {
      long t1 = System.nanoTime();
      ort = new OrtRunner(model, threads);
      ortLoadMs = (System.nanoTime() - t1) / 1e6;
    }
    try {
      for (int i = 0; i < warmup; i++) {
        carryOver(session.run(feed), carry, feed);
        if (ort != null) {
          ort.run(ortFeed, carry);
        }
      }
      double[] ledge = new double[runs];
      double[] ortTimes = new double[runs];
      com.sun.management.ThreadMXBean mx =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long allocated = 0;
      for (int i = 0; i < runs; i++) {
        long a0 = mx.getTotalThreadAllocatedBytes();
        long s = System.nanoTime();
        Map<String, Tensor> result = session.run(feed);
        ledge[i] = (System.nanoTime() - s) / 1e6;
        allocated += mx.getTotalThreadAllocatedBytes() - a0;
        carryOver(result, carry, feed);
        if (ort != null) {
          long s2 = System.nanoTime();
          ort.run(ortFeed, carry);
          ortTimes[i] = (System.nanoTime() - s2) / 1e6;
        }
      }
      Stats l = Stats.of(ledge);
      long allocPerRun = allocated / runs;
      out.printf("model:    %s  (threads %d, warmup %d, runs %d)%n", model, threads, warmup, runs);
      out.printf(
          "ledge:    load %.1f ms  median %.3f ms  p90 %.3f ms  allocated %,d B/run%n",
          ledgeLoadMs, l.median, l.p90, allocPerRun);
      Stats o = null;
      if (ort != null) {
        o = Stats.of(ortTimes);
        out.printf(
            "ort:      load %.1f ms  median %.3f ms  p90 %.3f ms  (onnxruntime %s)%n",
            ortLoadMs, o.median, o.p90, OrtRunner.version());
        out.printf(
            "ratio:    %.2f (Ledge/ORT median latency; < 1 means Ledge is faster)%n",
            l.median / o.median);
      }
      out.flush();
      if (json != null) {
        writeJson(l, o, ledgeLoadMs, ortLoadMs, allocPerRun);
      }
      if (profile) {
        printProfile(m, feed, out);
      }
    } finally {
      session.close();
      if (ort != null) {
        ort.close();
      }
    }
    return 0;
  }

  private void printProfile(Model m, Map<String, Tensor> feed, PrintWriter out) {
    try (Session p = m.newSession(SessionOptions.defaults().threads(threads).profile(true))) {
      p.run(feed);
      p.profile().reset();
      for (int i = 0; i < runs; i++) {
        p.run(feed);
      }
      double total = p.profile().entries().stream().mapToLong(e -> e.nanos()).sum();
      out.printf(
          "%nprofile (%d runs, per run):%n%-28s %8s %10s %7s %14s%n",
          runs, "op", "calls", "ms", "%", "bytes alloc");
      for (var e : p.profile().entries()) {
        out.printf(
            "%-28s %8d %10.3f %6.1f%% %,14d%n",
            e.opType(),
            e.calls() / runs,
            e.nanos() / 1e6 / runs,
            100 * e.nanos() / total,
            e.bytes() / runs);
      }
      out.flush();
    }
  }

  /** The --carry pairs (output name to input name), checked against the model and the feed. */
  private Map<String, String> carries(Map<String, Tensor> feed) {
    Map<String, String> r = new LinkedHashMap<>();
    if (carries.isEmpty()) {
      return r;
    }
    Model m = Model.load(model);
    List<String> outs = m.outputs().stream().map(x -> x.name()).toList();
    for (String c : carries) {
      int eq = c.indexOf('=');
      if (eq <= 0 || eq == c.length() - 1) {
        throw new LedgeException("--carry expects OUTPUT=INPUT, got '" + c + "'");
      }
      String o = c.substring(0, eq);
      String i = c.substring(eq + 1);
      if (!outs.contains(o)) {
        throw new LedgeException(
            "--carry " + c + ": the model has no output '" + o + "'; its outputs are " + outs);
      }
      if (!feed.containsKey(i)) {
        throw new LedgeException(
            "--carry "
                + c
                + ": the model has no input '"
                + i
                + "'; its inputs are "
                + feed.keySet());
      }
      r.put(o, i);
    }
    return r;
  }

  /** Puts each carried output into the feed under its input name. */
  static void carryOver(
      Map<String, Tensor> result, Map<String, String> carry, Map<String, Tensor> feed) {
    for (Map.Entry<String, String> e : carry.entrySet()) {
      feed.put(e.getValue(), result.get(e.getKey()));
    }
  }

  private Map<String, Tensor> inputs() {
    Map<String, String> given = new LinkedHashMap<>();
    for (String s : inputs) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new LedgeException("--input expects NAME=FILE.npy, got '" + s + "'");
      }
      given.put(s.substring(0, eq), s.substring(eq + 1));
    }
    Map<String, int[]> dims = new LinkedHashMap<>();
    for (String s : shapes) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new LedgeException("--shape expects NAME=D1xD2..., got '" + s + "'");
      }
      String[] parts = s.substring(eq + 1).split("x");
      int[] d = new int[parts.length];
      for (int i = 0; i < d.length; i++) {
        try {
          d[i] = Integer.parseInt(parts[i].strip());
        } catch (NumberFormatException e) {
          throw new LedgeException("--shape " + s + ": '" + parts[i] + "' is not a dimension");
        }
      }
      dims.put(s.substring(0, eq), d);
    }
    Model m = Model.load(model);
    Random rnd = new Random(seed);
    Map<String, Tensor> feed = new LinkedHashMap<>();
    for (var v : m.inputs()) {
      String f = given.remove(v.name());
      int[] shape = dims.remove(v.name());
      feed.put(
          v.name(),
          f != null
              ? Npy.read(Path.of(f))
              : shape != null ? RandomInputs.of(v, shape, rnd) : RandomInputs.of(v, rnd));
    }
    if (!given.isEmpty() || !dims.isEmpty()) {
      throw new LedgeException(
          "unknown input(s) "
              + (given.isEmpty() ? dims.keySet() : given.keySet())
              + "; the model's inputs are "
              + m.inputs().stream().map(x -> x.name()).toList());
    }
    return feed;
  }

  private void writeJson(Stats l, Stats o, double ledgeLoad, double ortLoad, long alloc)
      throws IOException {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"model\": \"")
        .append(model.toString().replace("\\", "\\\\").replace("\"", "\\\""))
        .append("\",\n");
    sb.append("  \"threads\": ").append(threads).append(",\n");
    sb.append(
        String.format(
            java.util.Locale.ROOT,
            "  \"ledge\": {\"load_ms\": %.3f, \"median_ms\": %.4f, \"p90_ms\": %.4f, \"alloc_bytes_per_run\": %d}",
            ledgeLoad,
            l.median,
            l.p90,
            alloc));
    if (o != null) {
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              ",\n  \"ort\": {\"load_ms\": %.3f, \"median_ms\": %.4f, \"p90_ms\": %.4f},\n  \"ratio\": %.4f",
              ortLoad,
              o.median,
              o.p90,
              l.median / o.median));
    }
    sb.append("\n}\n");
    Path abs = json.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), ".bench", ".tmp");
    Files.writeString(tmp, sb.toString());
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Median and 90th percentile. */
  record Stats(double median, double p90) {
    static Stats of(double[] xs) {
      double[] s = xs.clone();
      Arrays.sort(s);
      return new Stats(percentile(s, 0.5), percentile(s, 0.9));
    }

    static double percentile(double[] sorted, double q) {
      double pos = q * (sorted.length - 1);
      int lo = (int) Math.floor(pos);
      int hi = (int) Math.ceil(pos);
      return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
  }
}
