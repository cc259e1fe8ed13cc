package dev.ledge.train.autograd;

import static dev.ledge.train.autograd.GradCheck.awayFromZero;
import static dev.ledge.train.autograd.GradCheck.random;

import dev.ledge.graph.Attribute;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finite-difference checks of the elementwise rules, including broadcasting. */
class ElementwiseGradTest {
  @ParameterizedTest
  @ValueSource(strings = {"Add", "Sub", "Mul"})
  void arithmeticWithBroadcasting(String op) {
    GradCheck.op(op, 17)
        .input("a", random(1, -1, 1, 2, 3, 4))
        .input("b", random(2, -1, 1, 3, 1))
        .check();
    GradCheck.op(op, 17)
        .input("a", random(3, -1, 1, 1, 4))
        .input("b", random(4, -1, 1, 3, 1))
        .check();
    GradCheck.op(op, 17).input("a", random(5, -1, 1, 2, 3)).input("b", random(6, -1, 1)).check();
    GradCheck.op(op, 13).input("a", random(7, -1, 1, 5)).input("b", random(8, -1, 1, 5)).check();
  }

  @Test
  void divisionAwayFromZero() {
    GradCheck.op("Div", 17)
        .input("a", random(1, -2, 2, 2, 3))
        .input("b", awayFromZero(2, 0.5, 3))
        .check();
    GradCheck.op("Div", 17)
        .input("a", random(3, -2, 2, 4, 1))
        .input("b", awayFromZero(4, 0.5, 1, 5))
        .check();
  }

  @Test
  void sumNegIdentity() {
    GradCheck.op("Sum", 13)
        .input("a", random(1, -1, 1, 2, 3))
        .input("b", random(2, -1, 1, 3))
        .input("c", random(3, -1, 1, 2, 1))
        .check();
    GradCheck.op("Neg", 13).input("x", random(4, -1, 1, 7)).check();
    GradCheck.op("Identity", 13).input("x", random(5, -1, 1, 2, 2)).check();
  }

  @Test
  void sameValueOnBothSides() {
    // y = x * x: both inputs contribute; autograd must add them.
    GradCheck g = GradCheck.op("Mul", 17);
    Tensor x = random(1, -1, 1, 6);
    g.input("x", x);
    // the second reference to the same value
    g.check(
        sameInputTwice("Mul"),
        null,
        java.util.Map.of("x", x),
        java.util.List.of("x"),
        java.util.List.of("y"));
  }

  private static dev.ledge.graph.ModelDef sameInputTwice(String op) {
    var g = new dev.ledge.graph.Graph("sq");
    g.inputs()
        .add(
            new dev.ledge.graph.ValueInfo(
                "x",
                dev.ledge.graph.ValueType.tensor(
                    dev.ledge.tensor.DType.FLOAT64, dev.ledge.graph.Shape.of(6))));
    g.nodes()
        .add(
            new dev.ledge.graph.Node(
                "n",
                op,
                "",
                java.util.List.of("x", "x"),
                java.util.List.of("y"),
                java.util.Map.of()));
    g.outputs().add(new dev.ledge.graph.ValueInfo("y", null));
    var def = new dev.ledge.graph.ModelDef(g);
    def.opsetImports().put("", 17L);
    return def;
  }

  @Test
  void activations() {
    GradCheck.op("Relu", 14).input("x", awayFromZero(1, 0.01, 3, 4)).check();
    GradCheck.op("LeakyRelu", 16)
        .input("x", awayFromZero(2, 0.01, 3, 4))
        .attr(Attribute.of("alpha", 0.2f))
        .check();
    GradCheck.op("LeakyRelu", 6).input("x", awayFromZero(3, 0.01, 5)).check();
    GradCheck.op("Sigmoid", 13).input("x", random(4, -4, 4, 2, 5)).check();
    GradCheck.op("Tanh", 13).input("x", random(5, -3, 3, 2, 5)).check();
    // HardSwish: kinks at -3 and 3; sample both sides and the middle, away from them.
    GradCheck.op("HardSwish", 14)
        .input("x", Tensor.wrap(new double[] {-5, -3.5, -2.5, -1, 0.3, 1.7, 2.9, 3.2, 6}, 9))
        .check();
  }

  @Test
  void clipWithInputBoundsAndAttributeBounds() {
    Tensor x = Tensor.wrap(new double[] {-2, -0.7, -0.2, 0.1, 0.45, 0.8, 1.5}, 7);
    GradCheck.op("Clip", 13)
        .input("x", x)
        .constant("lo", Tensor.wrap(new double[] {-0.5}))
        .constant("hi", Tensor.wrap(new double[] {0.6}))
        .check();
    GradCheck.op("Clip", 13)
        .input("x", x)
        .omitted()
        .constant("hi", Tensor.wrap(new double[] {0.6}))
        .check();
    GradCheck.op("Clip", 6)
        .input("x", x)
        .attr(Attribute.of("min", -0.5f))
        .attr(Attribute.of("max", 0.6f))
        .check();
  }

  @Test
  void softmaxFamily() {
    GradCheck.op("Softmax", 13).input("x", random(1, -2, 2, 2, 3, 4)).check();
    GradCheck.op("Softmax", 13)
        .input("x", random(2, -2, 2, 2, 3, 4))
        .attr(Attribute.of("axis", 1L))
        .check();
    GradCheck.op("Softmax", 11)
        .input("x", random(3, -2, 2, 2, 3, 4))
        .attr(Attribute.of("axis", 1L))
        .check();
    GradCheck.op("LogSoftmax", 13).input("x", random(4, -2, 2, 3, 5)).check();
    GradCheck.op("LogSoftmax", 13)
        .input("x", random(5, -2, 2, 3, 5))
        .attr(Attribute.of("axis", 0L))
        .check();
    GradCheck.op("LogSoftmax", 9).input("x", random(6, -2, 2, 2, 2, 3)).check();
  }

  @Test
  void inferenceDropoutIsTheIdentity() {
    GradCheck.op("Dropout", 13).input("x", random(1, -1, 1, 3, 4)).check();
    GradCheck.op("Dropout", 7)
        .input("x", random(2, -1, 1, 5))
        .attr(Attribute.of("ratio", 0.3f))
        .check();
  }
}
