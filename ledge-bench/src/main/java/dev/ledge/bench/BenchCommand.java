package dev.ledge.bench;

import ai.onnxruntime.OrtException;
import dev.ledge.LedgeException;
import dev.ledge.runtime.MemoryStats;
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
      "Allocation is measured twice: through run(inputs), which returns fresh output tensors and a"
          + " map the caller owns, and through run(inputs, outputs), which writes into tensors the"
          + " caller provides (0 B once the JIT has compiled the kernels). The memory line shows the"
          + " buffers the session keeps for intermediate values against their unshared total.",
      "",
      "With --compare-ort, ONNX Runtime runs the same model on the same inputs in the same"
          + " process, alternating in blocks of runs, and the Ledge/ORT median ratio is printed."
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
          "After each run, feed output OUTPUT back as input INPUT (recurrent state, e.g."
              + " stateN=state for Silero VAD; repeatable).")
  List<String> carry = new ArrayList<>();

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

  @Option(
      names = "--reloads",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "After the timed runs, create N more sessions from the file in each engine (alternating,"
              + " closing each) and print the median warm load time and Ledge's bytes allocated per"
              + " load (default: ${DEFAULT-VALUE}).")
  int reloads;

  /** Timed runs are split into this many blocks, Ledge's and ONNX Runtime's alternating. */
  static final int BLOCKS = 5;

  @Override
  public Integer call() throws OrtException, IOException {
    if (runs < 1 || warmup < 0 || threads < 1 || reloads < 0) {
      throw new LedgeException(
          "--runs must be >= 1, --warmup >= 0, --threads >= 1, --reloads >= 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Tensor> feed = inputs();

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
    Map<String, String> carried = carried(feed);
    // ONNX Runtime carries its own state: its feed starts as copies of the carried inputs.
    Map<String, Tensor> ortFeed = new LinkedHashMap<>(feed);
    for (String in : carried.values()) {
      ortFeed.put(in, feed.get(in).copy());
    }
    try {
      for (int i = 0; i < warmup; i++) {
        carry(carried, feed, session.run(feed));
        if (ort != null) {
          ort.run(ortFeed, carried);
        }
      }
      double[] ledge = new double[runs];
      double[] ortTimes = new double[runs];
      com.sun.management.ThreadMXBean mx =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long allocated = 0;
      // Alternate in blocks, not call by call: after a call each engine's idle workers spin for a
      // while (ONNX Runtime's by default), which on a small machine would steal the cores of the
      // other engine's next call. Blocks keep the alternation (drift hits both engines alike)
      // while only the first call of a block can meet the other's spinning threads.
      int block = Math.max(1, runs / BLOCKS);
      for (int start = 0; start < runs; start += block) {
        int end = Math.min(runs, start + block);
        for (int i = start; i < end; i++) {
          long a0 = mx.getTotalThreadAllocatedBytes();
          long s = System.nanoTime();
          Map<String, Tensor> result = session.run(feed);
          ledge[i] = (System.nanoTime() - s) / 1e6;
          allocated += mx.getTotalThreadAllocatedBytes() - a0;
          carry(carried, feed, result);
        }
        if (ort != null) {
          for (int i = start; i < end; i++) {
            long s2 = System.nanoTime();
            ort.run(ortFeed, carried);
            ortTimes[i] = (System.nanoTime() - s2) / 1e6;
          }
        }
      }
      Stats l = Stats.of(ledge);
      long allocPerRun = allocated / runs;
      long intoPerRun = allocatedIntoOutputs(session, feed, carried, mx);
      MemoryStats mem = session.memoryStats();
      out.printf("model:    %s  (threads %d, warmup %d, runs %d)%n", model, threads, warmup, runs);
      out.printf(
          "ledge:    load %.1f ms  median %.3f ms  p90 %.3f ms  allocated %,d B/run"
              + " (%,d B/run into caller outputs)%n",
          ledgeLoadMs, l.median, l.p90, allocPerRun, intoPerRun);
      out.printf(
          "memory:   %,d B in %d shared buffers for %,d B of intermediate values (%.0f%%)%n",
          mem.arenaBytes(),
          mem.buffers(),
          mem.intermediateBytes(),
          mem.intermediateBytes() == 0
              ? 100.0
              : 100.0 * mem.arenaBytes() / mem.intermediateBytes());
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
      Reloads warm = reloads > 0 ? reload(mx) : null;
      if (warm != null) {
        out.printf(
            "reload:   ledge median %.1f ms (%,d B allocated per load)",
            warm.ledgeMs(), warm.ledgeAllocBytes());
        if (compareOrt) {
          out.printf("  ort median %.1f ms", warm.ortMs());
        }
        out.printf("  (%d warm loads each)%n", reloads);
      }
      out.flush();
      if (json != null) {
        writeJson(l, o, ledgeLoadMs, ortLoadMs, allocPerRun, intoPerRun, mem, warm);
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

  /** Median warm session creation in each engine (ort NaN without --compare-ort). */
  record Reloads(double ledgeMs, long ledgeAllocBytes, double ortMs) {}

  /**
   * Creates {@link #reloads} sessions from the file in each engine, alternating, each closed before
   * the next: what a long-running process pays to load a model again once both engines' code is
   * warm. Ledge's allocation is counted on this thread (loading is single-threaded).
   */
  private Reloads reload(com.sun.management.ThreadMXBean mx) throws OrtException {
    double[] ledge = new double[reloads];
    double[] ortMs = new double[reloads];
    long allocated = 0;
    for (int i = 0; i < reloads; i++) {
      long a0 = mx.getCurrentThreadAllocatedBytes();
      long s = System.nanoTime();
      try (Session ignored =
          Model.load(model).newSession(SessionOptions.defaults().threads(threads))) {
        ledge[i] = (System.nanoTime() - s) / 1e6;
      }
      allocated += mx.getCurrentThreadAllocatedBytes() - a0;
      if (compareOrt) {
        long s2 = System.nanoTime();
        try (OrtRunner ignored = new OrtRunner(model, threads)) {
          ortMs[i] = (System.nanoTime() - s2) / 1e6;
        }
      }
    }
    return new Reloads(
        Stats.of(ledge).median,
        allocated / reloads,
        compareOrt ? Stats.of(ortMs).median : Double.NaN);
  }

  /** OUTPUT -> INPUT pairs of --carry, checked against the feed. */
  private Map<String, String> carried(Map<String, Tensor> feed) {
    Map<String, String> r = new LinkedHashMap<>();
    for (String c : carry) {
      int eq = c.indexOf('=');
      if (eq <= 0 || !feed.containsKey(c.substring(eq + 1))) {
        throw new LedgeException(
            "--carry expects OUTPUT=INPUT with an input of the model, got '" + c + "'");
      }
      r.put(c.substring(0, eq), c.substring(eq + 1));
    }
    return r;
  }

  /** Copies the carried outputs of a run into their inputs. */
  private static void carry(
      Map<String, String> carried, Map<String, Tensor> feed, Map<String, Tensor> result) {
    for (Map.Entry<String, String> e : carried.entrySet()) {
      Tensor out = result.get(e.getKey());
      if (out == null) {
        throw new LedgeException("--carry: the model has no output '" + e.getKey() + "'");
      }
      feed.get(e.getValue()).copyFrom(out);
    }
  }

  /**
   * Average bytes allocated by a run through {@link Session#run(Map, Map)}, writing into output
   * tensors made once (carried outputs are copied by the caller, as an application would).
   */
  private long allocatedIntoOutputs(
      Session session,
      Map<String, Tensor> feed,
      Map<String, String> carried,
      com.sun.management.ThreadMXBean mx) {
    Map<String, Tensor> into = new LinkedHashMap<>();
    session.run(feed).forEach((k, v) -> into.put(k, Tensor.allocate(v.dtype(), v.shape())));
    int n = Math.max(runs, 10);
    long total = 0;
    for (int i = 0; i < n; i++) {
      // With one thread, this thread's counter: the JVM's own threads (JIT, GC) stay out of it.
      long a0 =
          threads == 1 ? mx.getCurrentThreadAllocatedBytes() : mx.getTotalThreadAllocatedBytes();
      session.run(feed, into);
      long a1 =
          threads == 1 ? mx.getCurrentThreadAllocatedBytes() : mx.getTotalThreadAllocatedBytes();
      total += a1 - a0;
      carry(carried, feed, into);
    }
    return total / n;
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

  private void writeJson(
      Stats l,
      Stats o,
      double ledgeLoad,
      double ortLoad,
      long alloc,
      long into,
      MemoryStats mem,
      Reloads warm)
      throws IOException {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"model\": \"")
        .append(model.toString().replace("\\", "\\\\").replace("\"", "\\\""))
        .append("\",\n");
    sb.append("  \"threads\": ").append(threads).append(",\n");
    sb.append(
        String.format(
            java.util.Locale.ROOT,
            "  \"ledge\": {\"load_ms\": %.3f, \"median_ms\": %.4f, \"p90_ms\": %.4f,"
                + " \"alloc_bytes_per_run\": %d, \"alloc_bytes_per_run_into_outputs\": %d,"
                + " \"arena_bytes\": %d, \"intermediate_bytes\": %d%s}",
            ledgeLoad,
            l.median,
            l.p90,
            alloc,
            into,
            mem.arenaBytes(),
            mem.intermediateBytes(),
            warm == null
                ? ""
                : String.format(
                    java.util.Locale.ROOT,
                    ", \"warm_load_ms\": %.3f, \"load_alloc_bytes\": %d",
                    warm.ledgeMs(),
                    warm.ledgeAllocBytes())));
    if (o != null) {
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              ",\n  \"ort\": {\"load_ms\": %.3f, \"median_ms\": %.4f, \"p90_ms\": %.4f%s},"
                  + "\n  \"ratio\": %.4f",
              ortLoad,
              o.median,
              o.p90,
              warm == null
                  ? ""
                  : String.format(java.util.Locale.ROOT, ", \"warm_load_ms\": %.3f", warm.ortMs()),
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
