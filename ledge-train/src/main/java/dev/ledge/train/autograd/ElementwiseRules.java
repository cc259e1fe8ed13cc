package dev.ledge.train.autograd;

import dev.ledge.graph.Attribute;
import dev.ledge.tensor.DType;
import dev.ledge.train.ops.TrainOperators;
import java.util.ArrayList;
import java.util.List;

/**
 * Rules of elementwise ops: arithmetic with numpy broadcasting (gradients summed back to each
 * input's shape), activations, softmax and dropout.
 */
final class ElementwiseRules {
  private ElementwiseRules() {}

  static void register(GradientRules r) {
    r.register("Identity", c -> c.setInputGrad(0, c.outputGrad(0)));
    r.register("Neg", c -> c.setInputGrad(0, c.onnx("Neg", List.of(c.outputGrad(0)))));
    r.register("Add", ElementwiseRules::add);
    r.register("Sub", ElementwiseRules::sub);
    r.register("Mul", ElementwiseRules::mul);
    r.register("Div", ElementwiseRules::div);
    r.register("Sum", ElementwiseRules::sum);
    r.register("Relu", c -> activation(c, "ReluGrad", c.output(0)));
    r.register(
        "LeakyRelu",
        c ->
            activation(
                c,
                "LeakyReluGrad",
                c.input(0),
                Attribute.of("alpha", c.attrFloat("alpha", 0.01f))));
    r.register("Sigmoid", c -> activation(c, "SigmoidGrad", c.output(0)));
    r.register("Tanh", c -> activation(c, "TanhGrad", c.output(0)));
    r.register("HardSwish", c -> activation(c, "HardSwishGrad", c.input(0)));
    r.register("Clip", ElementwiseRules::clip);
    r.register("Softmax", c -> softmax(c, "SoftmaxGrad"));
    r.register("LogSoftmax", c -> softmax(c, "LogSoftmaxGrad"));
    r.register("Dropout", ElementwiseRules::onnxDropout);
    r.register(
        TrainOperators.DOMAIN,
        "Dropout",
        c -> {
          if (c.output(1).isEmpty()) {
            throw c.unsupported("the training Dropout needs its mask output for the gradient");
          }
          c.setInputGrad(0, c.onnx("Mul", List.of(c.outputGrad(0), c.output(1))));
        });
  }

  private static void legacyBroadcast(GradContext c) {
    if (c.opset() < 7 && c.attrInt("broadcast", 0) != 0) {
      throw c.unsupported("legacy broadcast (opset " + c.opset() + " broadcast=1)");
    }
  }

  private static void add(GradContext c) {
    legacyBroadcast(c);
    String dy = c.outputGrad(0);
    for (int i = 0; i < 2; i++) {
      if (c.needsGrad(i)) {
        c.setInputGrad(i, c.sumTo(dy, c.output(0), c.input(i)));
      }
    }
  }

  private static void sub(GradContext c) {
    legacyBroadcast(c);
    String dy = c.outputGrad(0);
    if (c.needsGrad(0)) {
      c.setInputGrad(0, c.sumTo(dy, c.output(0), c.input(0)));
    }
    if (c.needsGrad(1)) {
      c.setInputGrad(1, c.sumTo(c.onnx("Neg", List.of(dy)), c.output(0), c.input(1)));
    }
  }

  private static void mul(GradContext c) {
    legacyBroadcast(c);
    String dy = c.outputGrad(0);
    for (int i = 0; i < 2; i++) {
      if (c.needsGrad(i)) {
        String g = c.onnx("Mul", List.of(dy, c.input(1 - i)));
        c.setInputGrad(i, c.sumTo(g, c.output(0), c.input(i)));
      }
    }
  }

  private static void div(GradContext c) {
    legacyBroadcast(c);
    String dy = c.outputGrad(0);
    if (c.needsGrad(0)) {
      String g = c.onnx("Div", List.of(dy, c.input(1)));
      c.setInputGrad(0, c.sumTo(g, c.output(0), c.input(0)));
    }
    if (c.needsGrad(1)) {
      // d(a/b)/db = -a/b^2 = -y/b
      String g =
          c.onnx(
              "Neg",
              List.of(c.onnx("Div", List.of(c.onnx("Mul", List.of(dy, c.output(0))), c.input(1)))));
      c.setInputGrad(1, c.sumTo(g, c.output(0), c.input(1)));
    }
  }

  private static void sum(GradContext c) {
    if (c.opset() < 8 && c.inputCount() > 1) {
      // Sum-6 has no broadcasting: every input has the output's shape.
      for (int i = 0; i < c.inputCount(); i++) {
        c.setInputGrad(i, c.outputGrad(0));
      }
      return;
    }
    for (int i = 0; i < c.inputCount(); i++) {
      if (c.needsGrad(i)) {
        c.setInputGrad(i, c.sumTo(c.outputGrad(0), c.output(0), c.input(i)));
      }
    }
  }

  private static void activation(GradContext c, String op, String value, Attribute... attrs) {
    c.setInputGrad(0, c.train(op, List.of(c.outputGrad(0), value), attrs));
  }

  private static void clip(GradContext c) {
    for (int i = 1; i < c.inputCount(); i++) {
      if (c.needsGrad(i)) {
        throw c.unsupported("the gradient with respect to Clip's bounds");
      }
    }
    List<String> in = new ArrayList<>(List.of(c.outputGrad(0), c.input(0)));
    DType t = c.floatType();
    if (c.opset() < 11) {
      double unbounded = c.opset() < 6 ? Double.POSITIVE_INFINITY : Float.MAX_VALUE;
      double lo = c.attr("min") != null ? c.attrFloat("min", 0f) : -unbounded;
      double hi = c.attr("max") != null ? c.attrFloat("max", 0f) : unbounded;
      in.add(c.scalar(lo, t));
      in.add(c.scalar(hi, t));
    } else {
      in.add(c.input(1));
      in.add(c.input(2));
    }
    c.setInputGrad(0, c.train("ClipGrad", in));
  }

  private static void softmax(GradContext c, String op) {
    boolean legacy = c.opset() < 13;
    long axis = c.attrInt("axis", legacy ? 1 : -1);
    c.setInputGrad(
        0,
        c.train(
            op,
            List.of(c.outputGrad(0), c.output(0)),
            Attribute.of("axis", axis),
            Attribute.of("coerce2d", legacy ? 1L : 0L)));
  }

  private static void onnxDropout(GradContext c) {
    boolean training;
    if (c.opset() >= 12) {
      training = c.hasInput(2);
    } else {
      training = c.opset() < 7 && c.attrInt("is_test", 0) == 0;
    }
    if (training) {
      throw c.unsupported(
          "ONNX Dropout in training mode; training graphs replace it by "
              + TrainOperators.DOMAIN
              + ".Dropout (see TrainingGraph)");
    }
    c.setInputGrad(0, c.outputGrad(0));
  }
}
