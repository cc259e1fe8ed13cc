package dev.ledge.cli;

import dev.ledge.LedgeException;
import dev.ledge.graph.Dim;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Npy;
import dev.ledge.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledge run}: one inference from .npy files (or random data) to .npy files. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a model once: inputs from NumPy .npy files or random data, outputs written as .npy.",
      "",
      "Inputs not given are random data of the declared dtype and shape (symbolic dims set to 1),"
          + " from --seed. Floats are uniform in [-1, 1), integers in [0, 10), bools 50/50.",
      ""
    },
    footer = {
      "",
      "Example: ledge run model.onnx --input x=x.npy --output out/   (writes out/<output>.npy)"
    })
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "An .onnx file.")
  Path model;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "NAME=FILE.npy|random",
      description = "An input from an .npy file, or 'random'. Repeatable.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description =
          "Directory for <output name>.npy files (created if missing). Without it, only a summary is printed.")
  Path outputDir;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed for random inputs (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Model m = Model.load(model);
    Map<String, String> given = new LinkedHashMap<>();
    for (String spec : inputs) {
      int eq = spec.indexOf('=');
      if (eq <= 0) {
        throw new LedgeException(
            "--input expects NAME=FILE.npy or NAME=random, got '" + spec + "'");
      }
      given.put(spec.substring(0, eq), spec.substring(eq + 1));
    }
    Random rnd = new Random(seed);
    Map<String, Tensor> feed = new LinkedHashMap<>();
    for (ValueInfo v : m.inputs()) {
      String src = given.remove(v.name());
      if (src == null || src.equals("random")) {
        feed.put(v.name(), random(v, rnd));
      } else {
        feed.put(v.name(), Npy.read(Path.of(src)));
      }
    }
    if (!given.isEmpty()) {
      throw new LedgeException(
          "unknown input(s) "
              + given.keySet()
              + "; the model's inputs are "
              + m.inputs().stream().map(ValueInfo::name).toList());
    }
    Map<String, Tensor> result;
    long t0 = System.nanoTime();
    try (Session s = m.newSession()) {
      result = s.run(feed);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    for (Map.Entry<String, Tensor> e : result.entrySet()) {
      Tensor t = e.getValue();
      out.printf("%-24s %s%s%n", e.getKey(), t, summary(t));
      if (outputDir != null) {
        Npy.write(outputDir.resolve(fileName(e.getKey())), t);
      }
    }
    out.printf(
        "ran in %d ms (includes session creation)%s%n",
        ms, outputDir != null ? "; outputs written to " + outputDir : "");
    out.flush();
    return 0;
  }

  static String fileName(String outputName) {
    String safe = outputName.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.isEmpty() || safe.startsWith(".")) {
      safe = "_" + safe;
    }
    return safe + ".npy";
  }

  private static String summary(Tensor t) {
    if (!t.dtype().isNumeric() || t.size() == 0) {
      return "";
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (int i = 0; i < t.size(); i++) {
      double v = t.getDouble(i);
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    return String.format("  min %.6g  max %.6g  mean %.6g", min, max, sum / t.size());
  }

  static Tensor random(ValueInfo v, Random rnd) {
    if (!(v.type() instanceof ValueType.TensorType tt) || tt.dtype() == null) {
      throw new LedgeException(
          "input '" + v.name() + "' is not a tensor of known dtype; give it as .npy");
    }
    int[] shape;
    if (tt.shape() == null) {
      throw new LedgeException("input '" + v.name() + "' has unknown rank; give it as .npy");
    }
    shape = new int[tt.shape().rank()];
    for (int i = 0; i < shape.length; i++) {
      Dim d = tt.shape().dim(i);
      shape[i] = d.isKnown() ? (int) d.value() : 1;
    }
    return randomTensor(tt.dtype(), shape, rnd);
  }

  static Tensor randomTensor(DType dtype, int[] shape, Random rnd) {
    Tensor t = Tensor.allocate(dtype, shape);
    for (int i = 0; i < t.size(); i++) {
      switch (dtype.kind()) {
        case FLOAT -> t.setDouble(i, rnd.nextDouble() * 2 - 1);
        case SIGNED, UNSIGNED -> t.setLong(i, rnd.nextInt(10));
        case BOOL -> t.setBoolean(i, rnd.nextBoolean());
        case STRING -> t.setString(i, "s" + rnd.nextInt(10));
        case COMPLEX -> throw new LedgeException("random complex inputs are not supported");
      }
    }
    return t;
  }
}
