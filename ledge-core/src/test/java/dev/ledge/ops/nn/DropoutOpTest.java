package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropoutOpTest {
  private static Tensor bool(boolean v) {
    return Tensor.wrap(DType.BOOL, new byte[] {(byte) (v ? 1 : 0)}, 0);
  }

  @Test
  void generatorMatchesNumpyRandomState() {
    // numpy.random.RandomState(0).uniform(0, 1, 5)
    double[] expected = {
      0.5488135039273248,
      0.7151893663724195,
      0.6027633760716439,
      0.5448831829968969,
      0.4236547993389047
    };
    Mt19937 r = new Mt19937(0);
    for (double e : expected) {
      assertEquals(e, r.nextDouble(), 1e-15);
    }
    // numpy.random.RandomState(0).randint(0, 2**32, 3, dtype=uint64), after 10 ints drawn.
    Mt19937 r2 = new Mt19937(0);
    assertEquals(2357136044L, r2.nextInt() & 0xFFFF_FFFFL);
    assertEquals(2546248239L, r2.nextInt() & 0xFFFF_FFFFL);
    assertEquals(3071714933L, r2.nextInt() & 0xFFFF_FFFFL);
    assertThrows(IllegalArgumentException.class, () -> new Mt19937(-1));
  }

  @Test
  void seededTrainingKeepsDrawsAtOrAboveTheRatioAndScales() {
    Tensor x = random(1, 4, 5);
    List<Tensor> out =
        NodeRunner.op("Dropout")
            .opset(13)
            .attr("seed", 7L)
            .input(x)
            .input(Tensor.scalar(0.3f))
            .input(bool(true))
            .outputs(2)
            .run();
    Mt19937 r = new Mt19937(7);
    float scale = 1f / (1f - 0.3f);
    for (int i = 0; i < x.size(); i++) {
      boolean keep = r.nextDouble() >= 0.3f;
      assertEquals(keep, out.get(1).getBoolean(i));
      assertEquals(keep ? x.getFloat(i) * scale : 0f, out.get(0).getFloat(i), 0f, "element " + i);
    }
  }

  @Test
  void unseededTrainingIsConsistentAndRuntimeTrainingModeWorks() {
    Tensor x = random(DType.FLOAT64, 2, 50);
    // training_mode is a graph input here, read at run time.
    List<Tensor> out =
        NodeRunner.op("Dropout").opset(12).input(x).omitted().input(bool(true)).outputs(2).run();
    int kept = 0;
    for (int i = 0; i < 50; i++) {
      boolean keep = out.get(1).getBoolean(i);
      kept += keep ? 1 : 0;
      assertEquals(keep ? x.getDouble(i) * 2 : 0, out.get(0).getDouble(i), 1e-15);
    }
    assertTrue(kept > 5 && kept < 45, "kept " + kept + " of 50 at ratio 0.5");
    List<Tensor> off =
        NodeRunner.op("Dropout").opset(12).input(x).omitted().input(bool(false)).outputs(2).run();
    assertArrayEquals(x.doubles(), off.get(0).doubles());
  }

  @Test
  void inferenceIsIdentityWithAnAllTrueMask() {
    Tensor x = random(3, 6);
    List<Tensor> out =
        NodeRunner.op("Dropout").opset(7).attr("ratio", 0.9f).input(x).outputs(2).run();
    assertArrayEquals(x.floats(), out.get(0).floats());
    // Before opset 10 the mask has the data's type.
    assertEquals(DType.FLOAT32, out.get(1).dtype());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, out.get(1).floats());
    List<Tensor> out10 = NodeRunner.op("Dropout").opset(10).input(x).outputs(2).run();
    assertEquals(DType.BOOL, out10.get(1).dtype());
    Tensor same = NodeRunner.op("Dropout").opset(6).attr("is_test", 1L).input(x).run0();
    assertArrayEquals(x.floats(), same.floats());
    assertSame(DType.FLOAT32, same.dtype());
  }

  @Test
  void badRatiosAndSeedsAreReported() {
    Tensor x = random(4, 3);
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Dropout")
                    .opset(13)
                    .input(x)
                    .input(Tensor.scalar(1f))
                    .input(bool(true))
                    .run0());
    assertTrue(e.getMessage().contains("ratio"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("Dropout").opset(6).attr("ratio", -0.5f).input(x).run0());
    assertTrue(e.getMessage().contains("ratio"), e.getMessage());
    assertThrows(
        UnsupportedOpException.class,
        () -> NodeRunner.op("Dropout").opset(13).attr("seed", -1L).input(x).run0());
  }
}
