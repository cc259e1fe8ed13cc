package dev.ledge.train.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vectorized ReluGrad and ChannelSum against plain loops, on sizes around the vector width. */
class ActivationKernelsTest {
  private static Tensor random(Random r, int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    float[] a = t.floats();
    for (int i = 0; i < a.length; i++) {
      int k = r.nextInt(20);
      a[i] = k == 0 ? Float.NaN : k == 1 ? -0f : k < 6 ? 0f : (float) r.nextGaussian();
    }
    return t;
  }

  @Test
  void reluGradMatchesTheDefinition() {
    Random r = new Random(3);
    for (int n : new int[] {1, 7, 15, 16, 17, 33, 64, 1001}) {
      Tensor dy = random(r, 2, n);
      Tensor y = random(r, 2, n);
      Map<String, Tensor> in = new LinkedHashMap<>();
      in.put("dy", dy);
      in.put("y", y);
      Tensor dx = TrainOpErrorsTest.run("ReluGrad", in, 1).get("o0");
      for (int i = 0; i < dy.size(); i++) {
        float want = y.floats()[i] > 0 ? dy.floats()[i] : 0f;
        assertEquals(
            Float.floatToRawIntBits(want), Float.floatToRawIntBits(dx.floats()[i]), "n " + n);
      }
    }
  }

  @Test
  void channelSumMatchesADoubleSum() {
    Random r = new Random(4);
    for (int plane : new int[] {1, 5, 16, 31, 100, 784}) {
      Tensor dy = Tensor.allocate(DType.FLOAT32, 3, 4, plane);
      for (int i = 0; i < dy.size(); i++) {
        dy.floats()[i] = (float) r.nextGaussian();
      }
      Map<String, Tensor> in = new LinkedHashMap<>();
      in.put("dy", dy);
      Tensor s = TrainOpErrorsTest.run("ChannelSum", in, 1).get("o0");
      for (int c = 0; c < 4; c++) {
        double want = 0;
        for (int b = 0; b < 3; b++) {
          for (int i = 0; i < plane; i++) {
            want += dy.floats()[(b * 4 + c) * plane + i];
          }
        }
        assertEquals(want, s.getDouble(c), 1e-5 * Math.sqrt(3 * plane), "plane " + plane);
      }
    }
  }
}
