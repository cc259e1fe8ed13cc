package dev.ledge.ops.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeRunner;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OptimizerOpsTest {
  private static final String DOMAIN = "ai.onnx.preview.training";

  private static NodeRunner op(String name) {
    return NodeRunner.op(name).domain(DOMAIN, 1);
  }

  private static void assertError(Executable e, String... parts) {
    LedgeException ex = assertThrows(LedgeException.class, e);
    for (String p : parts) {
      assertTrue(ex.getMessage().contains(p), () -> ex.getMessage() + " lacks " + p);
    }
  }

  private static Tensor d(double... v) {
    return Tensor.wrap(v.clone(), v.length);
  }

  @Test
  void adamAppliesBiasCorrectionAfterTheFirstStep() {
    double alpha = 0.9f;
    double beta = 0.999f;
    double eps = 1e-8f;
    List<Tensor> out =
        op("Adam")
            .attr("alpha", 0.9f)
            .attr("beta", 0.999f)
            .attr("epsilon", 1e-8f)
            .input(Tensor.wrap(new double[] {0.01}))
            .input(Tensor.scalar(3L))
            .input(d(1.0))
            .input(d(0.5))
            .input(d(0.2))
            .input(d(0.3))
            .outputs(3)
            .run();
    double v = alpha * 0.2 + (1 - alpha) * 0.5;
    double h = beta * 0.3 + (1 - beta) * 0.25;
    double rate = 0.01 * Math.sqrt(1 - Math.pow(beta, 3)) / (1 - Math.pow(alpha, 3));
    assertEquals(1.0 - rate * v / (Math.sqrt(h) + eps), out.get(0).doubles()[0], 1e-15);
    assertEquals(v, out.get(1).doubles()[0], 1e-15);
    assertEquals(h, out.get(2).doubles()[0], 1e-15);
  }

  @Test
  void momentumBroadcastsTheGradientAndUsesBetaAfterStepZero() {
    List<Tensor> out =
        op("Momentum")
            .attr("alpha", 0.5f)
            .attr("beta", 0.25f)
            .attr("norm_coefficient", 0f)
            .attr("mode", "standard")
            .input(Tensor.scalar(0.1f))
            .input(Tensor.scalar(1L))
            .input(Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2))
            .input(Tensor.wrap(new float[] {4, 8}, 2))
            .input(Tensor.wrap(new float[] {0, 0, 2, 2}, 2, 2))
            .outputs(2)
            .run();
    // V' = 0.5 V + 0.25 G; X' = X - 0.1 V'
    assertArrayEquals(new float[] {1, 2, 2, 3}, out.get(1).floats());
    assertArrayEquals(new float[] {0.9f, 1.8f, 2.8f, 3.7f}, out.get(0).floats(), 1e-6f);
  }

  @Test
  void adagradDecaysTheRate() {
    List<Tensor> out =
        op("Adagrad")
            .attr("decay_factor", 1f)
            .attr("epsilon", 0f)
            .input(Tensor.scalar(1f))
            .input(Tensor.scalar(1L))
            .input(Tensor.wrap(new float[] {1}, 1))
            .input(Tensor.wrap(new float[] {3}, 1))
            .input(Tensor.wrap(new float[] {16}, 1))
            .outputs(2)
            .run();
    // r = 1/2; H' = 25; X' = 1 - 0.5 * 3 / 5
    assertArrayEquals(new float[] {0.7f}, out.get(0).floats(), 1e-7f);
    assertArrayEquals(new float[] {25}, out.get(1).floats());
  }

  @Test
  void badModelsAreExplained() {
    Tensor r = Tensor.scalar(0.1f);
    Tensor t = Tensor.scalar(0L);
    Tensor x = Tensor.wrap(new float[] {1, 2}, 2);
    assertError(
        () ->
            op("Momentum")
                .attr("alpha", 1f)
                .attr("beta", 1f)
                .attr("norm_coefficient", 0f)
                .input(r)
                .input(t)
                .input(x)
                .input(x)
                .input(x)
                .outputs(2)
                .run(),
        "'mode'");
    assertError(
        () -> op("Adagrad").input(r).input(t).input(x).input(x).outputs(2).run(), "multiple of 3");
    assertError(
        () -> op("Adagrad").input(r).input(t).input(x).input(x).input(x).outputs(1).run(),
        "expected 2");
    assertError(
        () ->
            op("Adagrad")
                .input(r)
                .input(t)
                .input(x)
                .input(x)
                .input(Tensor.wrap(new float[] {1, 2, 3}, 3))
                .outputs(2)
                .run(),
        "expected X's shape");
    assertError(
        () ->
            op("Adagrad")
                .input(r)
                .input(t)
                .input(x)
                .input(Tensor.wrap(new double[] {1, 2}, 2))
                .input(x)
                .outputs(2)
                .run(),
        "all must match");
    assertError(
        () ->
            op("Adagrad")
                .input(Tensor.ofFloats(1, 2))
                .input(t)
                .input(x)
                .input(x)
                .input(x)
                .outputs(2)
                .run(),
        "R has shape");
  }
}
