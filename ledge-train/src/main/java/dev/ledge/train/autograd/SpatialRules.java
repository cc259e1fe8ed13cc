package dev.ledge.train.autograd;

import dev.ledge.graph.Attribute;
import dev.ledge.train.ops.TrainOperators;
import java.util.List;

/** Rules of convolution, pooling and normalization, through training-domain backward kernels. */
final class SpatialRules {
  private SpatialRules() {}

  private static final String[] CONV_ATTRS = {
    "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"
  };
  private static final String[] POOL_ATTRS = {
    "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"
  };

  static void register(GradientRules r) {
    r.register("Conv", SpatialRules::conv);
    r.register(TrainOperators.DOMAIN, "Conv", SpatialRules::conv);
    r.register("MaxPool", c -> pool(c, "MaxPoolGrad"));
    r.register(
        TrainOperators.DOMAIN,
        "MaxPoolWithArgmax",
        c ->
            c.setInputGrad(
                0,
                c.train(
                    "MaxPoolGrad",
                    List.of(c.outputGrad(0), c.input(0), c.output(1)),
                    c.copyAttrs(POOL_ATTRS))));
    r.register("AveragePool", c -> pool(c, "AveragePoolGrad"));
    r.register(
        "GlobalAveragePool",
        c ->
            c.setInputGrad(
                0, c.train("GlobalAveragePoolGrad", List.of(c.outputGrad(0), c.input(0)))));
    r.register("BatchNormalization", SpatialRules::batchNorm);
    r.register("LayerNormalization", SpatialRules::layerNorm);
  }

  private static void conv(GradContext c) {
    String dy = c.outputGrad(0);
    Attribute[] attrs = c.copyAttrs(CONV_ATTRS);
    if (c.needsGrad(0)) {
      c.setInputGrad(0, c.train("ConvGradInput", List.of(dy, c.input(1), c.input(0)), attrs));
    }
    if (c.needsGrad(1)) {
      c.setInputGrad(1, c.train("ConvGradWeight", List.of(dy, c.input(0), c.input(1)), attrs));
    }
    if (c.needsGrad(2)) {
      c.setInputGrad(2, c.train("ChannelSum", List.of(dy)));
    }
  }

  private static void pool(GradContext c, String op) {
    c.setInputGrad(0, c.train(op, List.of(c.outputGrad(0), c.input(0)), c.copyAttrs(POOL_ATTRS)));
  }

  private static void batchNorm(GradContext c) {
    long v = c.opset();
    if (v < 9 && c.attrInt("spatial", 1) == 0) {
      throw c.unsupported("BatchNormalization with spatial=0");
    }
    boolean training;
    if (v >= 14) {
      training = c.attrInt("training_mode", 0) != 0;
    } else if (v < 7) {
      training = c.attrInt("is_test", 0) == 0;
    } else {
      training = false;
    }
    if (training && v < 14) {
      throw c.unsupported("training-mode BatchNormalization before opset 14");
    }
    for (int i = 3; i < 5; i++) {
      if (c.needsGrad(i)) {
        throw c.unsupported("the gradient with respect to the running mean or variance");
      }
    }
    for (int i = 1; i < 5; i++) {
      if (c.outputGrad(i) != null) {
        throw c.unsupported("a gradient flowing into the running statistics outputs");
      }
    }
    String[] g =
        c.train(
            "BatchNormalizationGrad",
            List.of(c.outputGrad(0), c.input(0), c.input(1), c.input(3), c.input(4)),
            new boolean[] {c.needsGrad(0), c.needsGrad(1), c.needsGrad(2)},
            Attribute.of("epsilon", c.attrFloat("epsilon", 1e-5f)),
            Attribute.of("training_mode", training ? 1L : 0L));
    for (int i = 0; i < 3; i++) {
      if (c.needsGrad(i)) {
        c.setInputGrad(i, g[i]);
      }
    }
  }

  private static void layerNorm(GradContext c) {
    if (c.outputGrad(1) != null || c.outputGrad(2) != null) {
      throw c.unsupported("a gradient flowing into LayerNormalization's Mean or InvStdDev outputs");
    }
    String[] g =
        c.train(
            "LayerNormalizationGrad",
            List.of(c.outputGrad(0), c.input(0), c.input(1)),
            new boolean[] {c.needsGrad(0), c.needsGrad(1), c.needsGrad(2)},
            Attribute.of("axis", c.attrInt("axis", -1)),
            Attribute.of("epsilon", c.attrFloat("epsilon", 1e-5f)));
    c.setInputGrad(0, g[0]);
    c.setInputGrad(1, g[1]);
    if (c.needsGrad(2)) {
      // dBias comes out in Scale's shape; B may be broadcast differently.
      c.setInputGrad(2, c.sumTo(g[2], c.input(1), c.input(2)));
    }
  }
}
