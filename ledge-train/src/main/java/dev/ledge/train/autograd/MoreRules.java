package dev.ledge.train.autograd;

import dev.ledge.graph.Attribute;
import dev.ledge.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Rules beyond the core set, for imported models: Exp, Log, Sqrt, Reciprocal, Abs, Softplus, Pow
 * (with respect to the base), Mean, Expand, Cast between float types, Where and Split, all built
 * from ONNX ops.
 */
final class MoreRules {
  private MoreRules() {}

  static void register(GradientRules r) {
    r.register("Exp", c -> c.setInputGrad(0, c.onnx("Mul", List.of(c.outputGrad(0), c.output(0)))));
    r.register("Log", c -> c.setInputGrad(0, c.onnx("Div", List.of(c.outputGrad(0), c.input(0)))));
    r.register(
        "Sqrt",
        c -> {
          String twoY = c.onnx("Mul", List.of(c.output(0), c.scalar(2, c.floatType())));
          c.setInputGrad(0, c.onnx("Div", List.of(c.outputGrad(0), twoY)));
        });
    r.register(
        "Reciprocal",
        c -> {
          String y2 = c.onnx("Mul", List.of(c.output(0), c.output(0)));
          c.setInputGrad(0, c.onnx("Neg", List.of(c.onnx("Mul", List.of(c.outputGrad(0), y2)))));
        });
    r.register(
        "Abs",
        c ->
            c.setInputGrad(
                0, c.onnx("Mul", List.of(c.outputGrad(0), c.onnx("Sign", List.of(c.input(0)))))));
    r.register(
        "Softplus",
        c ->
            c.setInputGrad(
                0,
                c.onnx("Mul", List.of(c.outputGrad(0), c.onnx("Sigmoid", List.of(c.input(0)))))));
    r.register("Pow", MoreRules::pow);
    r.register("Mean", MoreRules::mean);
    r.register("Expand", MoreRules::expand);
    r.register("Cast", MoreRules::cast);
    r.register("Where", MoreRules::where);
    r.register("Split", MoreRules::split);
  }

  /** d(x^p)/dx = p x^(p-1); the exponent is a constant of the gradient. */
  private static void pow(GradContext c) {
    if (c.needsGrad(1)) {
      throw c.unsupported("the gradient with respect to Pow's exponent");
    }
    DType t = c.floatType();
    DType et = c.dtype(c.input(1));
    if (et != t) {
      throw c.unsupported("Pow with an exponent of type " + et + " and a base of type " + t);
    }
    String pm1 = c.onnx("Sub", List.of(c.input(1), c.scalar(1, t)));
    String d = c.onnx("Mul", List.of(c.input(1), c.onnx("Pow", List.of(c.input(0), pm1))));
    c.setInputGrad(0, c.sumTo(c.onnx("Mul", List.of(c.outputGrad(0), d)), c.output(0), c.input(0)));
  }

  private static void mean(GradContext c) {
    String g = c.onnx("Div", List.of(c.outputGrad(0), c.scalar(c.inputCount(), c.floatType())));
    for (int i = 0; i < c.inputCount(); i++) {
      if (c.needsGrad(i)) {
        c.setInputGrad(i, c.opset() < 8 ? g : c.sumTo(g, c.output(0), c.input(i)));
      }
    }
  }

  private static void expand(GradContext c) {
    if (c.needsGrad(1)) {
      throw c.unsupported("the gradient with respect to Expand's shape");
    }
    c.setInputGrad(0, c.train("ReduceSumTo", List.of(c.outputGrad(0), c.input(0))));
  }

  private static void cast(GradContext c) {
    DType from = c.dtype(c.input(0));
    if (from == null || !from.isFloatingPoint()) {
      throw c.unsupported("Cast from " + from);
    }
    c.setInputGrad(
        0, c.onnx("Cast", List.of(c.outputGrad(0)), Attribute.of("to", (long) from.onnxCode())));
  }

  private static void where(GradContext c) {
    String zero = c.scalar(0, c.floatType());
    String dy = c.outputGrad(0);
    if (c.needsGrad(1)) {
      String g = c.onnx("Where", List.of(c.input(0), dy, zero));
      c.setInputGrad(1, c.sumTo(g, c.output(0), c.input(1)));
    }
    if (c.needsGrad(2)) {
      String g = c.onnx("Where", List.of(c.input(0), zero, dy));
      c.setInputGrad(2, c.sumTo(g, c.output(0), c.input(2)));
    }
  }

  /** The gradient of Split is the concatenation of its outputs' gradients (zeros where none). */
  private static void split(GradContext c) {
    for (int i = 1; i < c.inputCount(); i++) {
      if (c.needsGrad(i)) {
        throw c.unsupported("the gradient with respect to Split's sizes");
      }
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < c.node().outputs().size(); i++) {
      String out = c.output(i);
      if (out.isEmpty()) {
        throw c.unsupported("Split with an unused (empty) output");
      }
      String g = c.outputGrad(i);
      parts.add(g != null ? g : c.train("ZerosLike", List.of(out)));
    }
    c.setInputGrad(0, c.onnx("Concat", parts, Attribute.of("axis", c.attrInt("axis", 0))));
  }
}
