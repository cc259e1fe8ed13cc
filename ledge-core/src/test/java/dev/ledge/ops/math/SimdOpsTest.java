package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.kernels.KernelProvider;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 operators on the SIMD path (when the provider uses SIMD; with {@code
 * -Dledge.kernels=scalar} the same tests check the reference path): broadcasting runs with both
 * steps, offsets and tails, against the same operator on float64 (the reference loop) rounded to
 * float, which is bit-exact for +, -, *, /, max, min, Where and Clip.
 */
class SimdOpsTest {
  private static Tensor random(DType t, long seed, int... shape) {
    Tensor x = Tensor.allocate(t, shape);
    Random r = new Random(seed);
    for (int i = 0; i < x.size(); i++) {
      x.setDouble(i, (float) (r.nextGaussian() * 4));
    }
    return x;
  }

  private static Tensor toDouble(Tensor f) {
    Tensor d = Tensor.allocate(DType.FLOAT64, f.shape());
    for (int i = 0; i < f.size(); i++) {
      d.setDouble(i, f.getDouble(i));
    }
    return d;
  }

  private static void assertSameFloats(Tensor want64, Tensor got32) {
    assertArrayEquals(want64.shape(), got32.shape());
    for (int i = 0; i < got32.size(); i++) {
      float w = (float) want64.getDouble(i);
      float g = (float) got32.getDouble(i);
      assertEquals(
          Float.floatToIntBits(w), Float.floatToIntBits(g), "element " + i + ": " + w + " vs " + g);
    }
  }

  @Test
  void providerIsReported() {
    assertTrue(KernelProvider.current().describe().contains("kernels"));
  }

  @Test
  void arithmeticOverEveryBroadcastPattern() {
    int[][][] shapes = {
      {{2, 3, 5, 7}, {2, 3, 5, 7}}, // one contiguous run
      {{2, 3, 5, 7}, {1, 3, 1, 1}}, // bias: runs with a broadcast b
      {{2, 3, 5, 7}, {7}}, // rows: contiguous short runs
      {{1}, {2, 3, 5, 37}}, // scalar first
      {{2, 1, 5, 1}, {1, 3, 1, 19}}, // both sides broadcast
      {{33}, {}} // tail with a scalar
    };
    for (String name : new String[] {"Add", "Sub", "Mul", "Div", "PRelu"}) {
      for (int[][] s : shapes) {
        if (name.equals("PRelu")
            && !java.util.Arrays.equals(
                dev.ledge.tensor.Shapes.broadcastOrNull(s[0], s[1]), s[0])) {
          continue; // the slope broadcasts to X only
        }
        Tensor a = random(DType.FLOAT32, 1, s[0]);
        Tensor b = random(DType.FLOAT32, 2, s[1]);
        Tensor got = op(name).in(a, b).run();
        Tensor want = op(name).in(toDouble(a), toDouble(b)).run();
        assertSameFloats(want, got);
      }
    }
  }

  @Test
  void variadicMaxMinSumMean() {
    Tensor a = random(DType.FLOAT32, 3, 3, 1, 17);
    Tensor b = random(DType.FLOAT32, 4, 1, 5, 17);
    Tensor c = random(DType.FLOAT32, 5, 17);
    for (String name : new String[] {"Max", "Min"}) {
      Tensor got = op(name).in(a, b, c).run();
      Tensor want = op(name).in(toDouble(a), toDouble(b), toDouble(c)).run();
      assertSameFloats(want, got);
    }
    // Sum and Mean round to float after each step, as the reference does.
    Tensor x = random(DType.FLOAT32, 6, 37);
    Tensor y = random(DType.FLOAT32, 7, 37);
    Tensor z = random(DType.FLOAT32, 8, 37);
    Tensor mean = op("Mean").in(x, y, z).run();
    for (int i = 0; i < 37; i++) {
      float s = (x.floats()[i] + y.floats()[i]) + z.floats()[i];
      assertEquals(s / 3, mean.floats()[i]);
    }
  }

  @Test
  void whereWithBroadcastCondition() {
    Tensor cond = Tensor.allocate(DType.BOOL, 5, 19);
    Random r = new Random(9);
    for (int i = 0; i < cond.size(); i++) {
      cond.bytes()[i] = (byte) (r.nextBoolean() ? 1 : 0);
    }
    Tensor x = random(DType.FLOAT32, 10, 3, 5, 19);
    Tensor y = random(DType.FLOAT32, 11, 1);
    Tensor got = op("Where").in(cond, x, y).run();
    Tensor want = op("Where").in(cond, toDouble(x), toDouble(y)).run();
    assertSameFloats(want, got);
  }

  @Test
  void clipWithAttributeAndInputBounds() {
    Tensor x = random(DType.FLOAT32, 12, 45);
    Tensor got = op("Clip").opset(6).attr("min", -1.5f).attr("max", 2f).in(x).run();
    Tensor want = op("Clip").opset(6).attr("min", -1.5f).attr("max", 2f).in(toDouble(x)).run();
    assertSameFloats(want, got);
    Tensor lo = Tensor.allocate(DType.FLOAT32);
    lo.setDouble(0, -0.25);
    Tensor got13 = op("Clip").opset(13).in(x, lo).omitted().run();
    for (int i = 0; i < x.size(); i++) {
      assertEquals(Math.max(x.floats()[i], -0.25f), got13.floats()[i]);
    }
  }

  @Test
  void activationsFollowTheirAttributes() {
    Tensor x = random(DType.FLOAT32, 13, 3, 11);
    Tensor gelu = op("Gelu").opset(20).attr("approximate", "tanh").in(x).run();
    Tensor geluRef = op("Gelu").opset(20).attr("approximate", "tanh").in(toDouble(x)).run();
    Tensor swish = op("Swish").opset(24).attr("alpha", 0.7f).in(x).run();
    Tensor swishRef = op("Swish").opset(24).attr("alpha", 0.7f).in(toDouble(x)).run();
    Tensor elu = op("Elu").attr("alpha", 0.3f).in(x).run();
    Tensor eluRef = op("Elu").attr("alpha", 0.3f).in(toDouble(x)).run();
    for (int i = 0; i < x.size(); i++) {
      assertEquals((float) geluRef.getDouble(i), gelu.floats()[i], Math.ulp(gelu.floats()[i]));
      assertEquals((float) swishRef.getDouble(i), swish.floats()[i], Math.ulp(swish.floats()[i]));
      assertEquals((float) eluRef.getDouble(i), elu.floats()[i], Math.ulp(elu.floats()[i]));
    }
  }
}
