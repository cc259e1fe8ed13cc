package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossAndDetOpTest {
  @Test
  void nllMeanDividesByTheAppliedWeights() {
    Tensor x = Tensor.wrap(new float[] {-1, -2, -3, -4, -5, -6}, 2, 3);
    Tensor t = Tensor.wrap(new int[] {2, 0}, 2);
    Tensor w = Tensor.wrap(new float[] {0.5f, 1, 2}, 3);
    Tensor mean = NodeRunner.op("NegativeLogLikelihoodLoss").input(x).input(t).input(w).run0();
    // (3 * 2 + 4 * 0.5) / (2 + 0.5)
    assertEquals(8 / 2.5, mean.getFloat(0), 1e-6);
    assertArrayEquals(new int[0], mean.shape());
    Tensor none =
        NodeRunner.op("NegativeLogLikelihoodLoss")
            .attr("reduction", "none")
            .attr("ignore_index", 0L)
            .input(x)
            .input(t)
            .input(w)
            .run0();
    assertArrayEquals(new float[] {6, 0}, none.floats());
    // Everything ignored: 0 / 0.
    Tensor all =
        NodeRunner.op("NegativeLogLikelihoodLoss")
            .attr("ignore_index", 2L)
            .input(x)
            .input(Tensor.wrap(new int[] {2, 2}, 2))
            .run0();
    assertTrue(Float.isNaN(all.getFloat(0)));
  }

  @Test
  void softmaxCrossEntropyReturnsLogProbabilities() {
    Tensor x = random(DType.FLOAT64, 1, 2, 3, 2);
    Tensor t = Tensor.wrap(new long[] {0, 2, 1, -1}, 2, 2);
    List<Tensor> out =
        NodeRunner.op("SoftmaxCrossEntropyLoss")
            .opset(13)
            .attr("reduction", "sum")
            .attr("ignore_index", -1L)
            .input(x)
            .input(t)
            .outputs(2)
            .run();
    double loss = 0;
    for (int n = 0; n < 2; n++) {
      for (int d = 0; d < 2; d++) {
        double sum = 0;
        for (int c = 0; c < 3; c++) {
          sum += Math.exp(x.getDouble((n * 3 + c) * 2 + d));
        }
        for (int c = 0; c < 3; c++) {
          int at = (n * 3 + c) * 2 + d;
          assertEquals(x.getDouble(at) - Math.log(sum), out.get(1).getDouble(at), 1e-12);
        }
        long target = t.getLong(n * 2 + d);
        if (target >= 0) {
          loss -= x.getDouble((n * 3 + (int) target) * 2 + d) - Math.log(sum);
        }
      }
    }
    assertEquals(loss, out.get(0).getDouble(0), 1e-12);
  }

  @Test
  void lossesRejectBadTargets() {
    Tensor x = random(2, 2, 3);
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("NegativeLogLikelihoodLoss")
                    .input(x)
                    .input(Tensor.wrap(new long[] {0, 3}, 2))
                    .run0());
    assertTrue(e.getMessage().contains("outside [0, 3)"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("SoftmaxCrossEntropyLoss")
                    .opset(13)
                    .input(x)
                    .input(Tensor.wrap(new long[] {0, 1, 2}, 3))
                    .run0());
    assertTrue(e.getMessage().contains("target has shape"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("NegativeLogLikelihoodLoss")
                    .attr("reduction", "max")
                    .input(x)
                    .input(Tensor.wrap(new long[] {0, 1}, 2))
                    .run0());
    assertTrue(e.getMessage().contains("reduction"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("NegativeLogLikelihoodLoss")
                    .input(x)
                    .input(Tensor.wrap(new float[] {0, 1}, 2))
                    .run0());
    assertTrue(e.getMessage().contains("expected one of"), e.getMessage());
  }

  @Test
  void determinants() {
    Tensor x =
        Tensor.wrap(
            new double[] {
              2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 2, 3, 2, 4, 6, 0, 1, 1
            },
            3,
            3,
            3);
    Tensor y = NodeRunner.op("Det").input(x).run0();
    assertArrayEquals(new int[] {3}, y.shape());
    assertEquals(24, y.getDouble(0), 1e-12);
    assertEquals(-1, y.getDouble(1), 1e-12);
    assertEquals(0, y.getDouble(2), 1e-12);
    Tensor empty = NodeRunner.op("Det").input(Tensor.allocate(DType.FLOAT32, 2, 0, 0)).run0();
    assertArrayEquals(new float[] {1, 1}, empty.floats());
    LedgeException e =
        assertThrows(
            LedgeException.class, () -> NodeRunner.op("Det").input(random(1, 2, 3)).run0());
    assertTrue(e.getMessage().contains("[*, M, M]"), e.getMessage());
  }
}
