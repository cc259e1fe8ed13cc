package dev.ledge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.onnx.OnnxWriter;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Npy;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunInspectTest {
  @TempDir Path tmp;

  private Path model() {
    Path f = tmp.resolve("m.onnx");
    OnnxWriter.write(
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 2, 3)
            .initializer("w", Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2))
            .node("Identity", "x", "y/out")
            .node("Constant", List.of(), List.of("k"), "value", Tensor.ofLongs(7))
            .output("y/out")
            .output("k")
            .build(),
        f);
    return f;
  }

  @Test
  void runReadsNpyAndWritesOneFilePerOutput() {
    Path m = model();
    Path in = tmp.resolve("x.npy");
    Npy.write(in, Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    Path out = tmp.resolve("out");
    MainTest.Run r =
        MainTest.run("run", m.toString(), "--input", "x=" + in, "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(
        new float[] {1, 2, 3, 4, 5, 6}, Npy.read(out.resolve("y_out.npy")).toFloatArray());
    assertArrayEquals(new long[] {7}, Npy.read(out.resolve("k.npy")).toLongArray());
  }

  @Test
  void runMakesRandomInputsAndRejectsUnknownNames() {
    Path m = model();
    MainTest.Run r = MainTest.run("run", m.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("float32, [2, 3]"), r.out());
    MainTest.Run bad = MainTest.run("run", m.toString(), "--input", "nope=random");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("unknown input(s) [nope]"), bad.err());
  }

  @Test
  void inspectShowsIoOpsAndParameters() {
    MainTest.Run r = MainTest.run("inspect", model().toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("ai.onnx 17"), r.out());
    assertTrue(r.out().contains("float32[2, 3]"), r.out());
    assertTrue(r.out().contains("Identity"), r.out());
    assertTrue(r.out().contains("parameters: 4"), r.out());
  }

  @Test
  void missingModelIsAClearError() {
    MainTest.Run r = MainTest.run("inspect", tmp.resolve("none.onnx").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("does not exist"), r.err());
    assertTrue(Files.notExists(tmp.resolve("none.onnx")));
  }
}
