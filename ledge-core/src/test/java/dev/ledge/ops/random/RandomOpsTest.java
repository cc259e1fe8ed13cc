package dev.ledge.ops.random;

import static dev.ledge.testing.NodeRunner.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeRunner;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RandomOpsTest {
  private static void assertError(Executable e, String... parts) {
    LedgeException ex = assertThrows(LedgeException.class, e);
    for (String p : parts) {
      assertTrue(ex.getMessage().contains(p), () -> ex.getMessage() + " lacks " + p);
    }
  }

  private static NodeRunner uniform(float seed) {
    return op("RandomUniform")
        .attr("shape", new long[] {1000})
        .attr("low", -2f)
        .attr("high", 3f)
        .attr("seed", seed);
  }

  @Test
  void seededGeneratorsRepeatAndDifferBySeed() {
    float[] a = uniform(1f).run1().floats();
    float[] b = uniform(1f).run1().floats();
    float[] c = uniform(2f).run1().floats();
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    double sum = 0;
    for (float v : a) {
      assertTrue(v >= -2f && v < 3f, "sample " + v);
      sum += v;
    }
    assertEquals(0.5, sum / a.length, 0.2);
  }

  @Test
  void normalLikeFollowsTheInputShapeAndType() {
    Tensor x = Tensor.allocate(DType.FLOAT64, 50, 40);
    Tensor y =
        op("RandomNormalLike").attr("mean", 5f).attr("scale", 2f).attr("seed", 3f).input(x).run1();
    assertArrayEquals(new int[] {50, 40}, y.shape());
    assertEquals(DType.FLOAT64, y.dtype());
    double sum = 0;
    double sq = 0;
    for (double v : y.doubles()) {
      sum += v;
      sq += v * v;
    }
    double mean = sum / y.size();
    assertEquals(5, mean, 0.2);
    assertEquals(2, Math.sqrt(sq / y.size() - mean * mean), 0.2);
    Tensor h = op("RandomUniformLike").attr("dtype", 10L).input(x).run1();
    assertEquals(DType.FLOAT16, h.dtype());
  }

  @Test
  void bernoulliHonoursCertainProbabilitiesAndRejectsInvalidOnes() {
    Tensor p = Tensor.wrap(new float[] {0, 1, 0, 1}, 4);
    Tensor y = op("Bernoulli").opset(15).attr("dtype", 9L).input(p).run1();
    assertEquals(DType.BOOL, y.dtype());
    assertArrayEquals(new long[] {0, 1, 0, 1}, y.toLongArray());
    assertError(
        () -> op("Bernoulli").opset(15).input(Tensor.wrap(new float[] {1.5f}, 1)).run1(),
        "outside [0, 1]");
    assertError(
        () -> op("Bernoulli").opset(15).attr("dtype", 8L).input(p).run1(), "dtype is string");
  }

  @Test
  void multinomialNeverDrawsImpossibleClasses() {
    float ninf = Float.NEGATIVE_INFINITY;
    Tensor logits = Tensor.wrap(new float[] {0, ninf, (float) Math.log(3), ninf, ninf, 7}, 2, 3);
    Tensor y =
        op("Multinomial")
            .opset(7)
            .attr("sample_size", 4000L)
            .attr("seed", 5f)
            .attr("dtype", 7L)
            .input(logits)
            .run1();
    assertArrayEquals(new int[] {2, 4000}, y.shape());
    long[] v = y.longs();
    int twos = 0;
    for (int s = 0; s < 4000; s++) {
      assertTrue(v[s] == 0 || v[s] == 2);
      twos += v[s] == 2 ? 1 : 0;
      assertEquals(2, v[4000 + s]);
    }
    assertEquals(0.75, twos / 4000.0, 0.03);
    assertError(
        () -> op("Multinomial").opset(7).input(Tensor.wrap(new float[] {ninf, ninf}, 1, 2)).run1(),
        "no class");
    assertError(
        () -> op("Multinomial").opset(7).attr("dtype", 1L).input(logits).run1(), "dtype is 1");
  }

  @Test
  void plainGeneratorsNeedAShapeAndAFloatType() {
    assertError(() -> op("RandomNormal").run1(), "'shape'");
    assertError(
        () -> op("RandomUniform").attr("shape", new long[] {2}).attr("dtype", 7L).run1(),
        "dtype is int64");
    assertError(
        () ->
            op("RandomUniform")
                .attr("shape", new long[] {2})
                .attr("low", 2f)
                .attr("high", 1f)
                .run1(),
        "low <= high");
    assertError(() -> op("RandomUniform").attr("shape", new long[] {-1}).run1(), "shape");
  }
}
