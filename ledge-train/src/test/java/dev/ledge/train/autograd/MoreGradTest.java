package dev.ledge.train.autograd;

import static dev.ledge.train.autograd.GradCheck.random;

import dev.ledge.graph.Attribute;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the extra rules for imported models. */
class MoreGradTest {
  @Test
  void unaryMath() {
    GradCheck.op("Exp", 13).input("x", random(1, -2, 2, 2, 3)).check();
    GradCheck.op("Log", 13).input("x", random(2, 0.2, 3, 2, 3)).check();
    GradCheck.op("Sqrt", 13).input("x", random(3, 0.2, 3, 5)).check();
    GradCheck.op("Reciprocal", 13).input("x", random(4, 0.5, 2, 5)).check();
    GradCheck.op("Abs", 13).input("x", GradCheck.awayFromZero(5, 0.05, 6)).check();
    GradCheck.op("Softplus", 1).input("x", random(6, -3, 3, 6)).check();
  }

  @Test
  void powWithAConstantExponent() {
    GradCheck.op("Pow", 15)
        .input("x", random(1, 0.3, 2, 2, 3))
        .constant("p", Tensor.wrap(new double[] {2.5}))
        .check();
    GradCheck.op("Pow", 15)
        .input("x", random(2, 0.3, 2, 2, 3))
        .constant("p", Tensor.wrap(new double[] {1, 2, 3}, 3))
        .check();
  }

  @Test
  void meanExpandCastWhereSplit() {
    GradCheck.op("Mean", 13)
        .input("a", random(1, -1, 1, 2, 3))
        .input("b", random(2, -1, 1, 3))
        .check();
    GradCheck.op("Expand", 13)
        .input("x", random(3, -1, 1, 3, 1))
        .constant("s", Tensor.ofLongs(2, 3, 4))
        .check();
    GradCheck.op("Cast", 13)
        .input("x", random(4, -1, 1, 4))
        .attr(Attribute.of("to", (long) DType.FLOAT64.onnxCode()))
        .noFloat32() // the output is float64 in both twins
        .check();
    Tensor cond = Tensor.allocate(DType.BOOL, 2, 3);
    for (int i = 0; i < 6; i++) {
      cond.setLong(i, i % 2);
    }
    GradCheck.op("Where", 16)
        .constant("c", cond)
        .input("a", random(5, -1, 1, 2, 3))
        .input("b", random(6, -1, 1, 3))
        .check();
    GradCheck.op("Split", 13)
        .input("x", random(7, -1, 1, 2, 5))
        .constant("sizes", Tensor.ofLongs(2, 3))
        .attr(Attribute.of("axis", 1L))
        .outputs("p", "q")
        .check();
    GradCheck.op("Split", 13)
        .input("x", random(8, -1, 1, 4, 2))
        .outputs("p", "q")
        .seeded("q")
        .check();
  }
}
