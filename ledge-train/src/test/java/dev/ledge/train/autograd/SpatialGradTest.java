package dev.ledge.train.autograd;

import static dev.ledge.train.autograd.GradCheck.random;

import dev.ledge.graph.Attribute;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of convolution, pooling and normalization. */
class SpatialGradTest {
  @Test
  void conv2dPlain() {
    GradCheck.op("Conv", 11)
        .input("x", random(1, -1, 1, 2, 3, 6, 5))
        .input("w", random(2, -1, 1, 4, 3, 3, 3))
        .input("b", random(3, -1, 1, 4))
        .check();
  }

  @Test
  void conv2dStridePadDilation() {
    GradCheck.op("Conv", 11)
        .input("x", random(1, -1, 1, 2, 2, 7, 8))
        .input("w", random(2, -1, 1, 3, 2, 3, 2))
        .attr(Attribute.of("strides", 2L, 3))
        .attr(Attribute.of("pads", 1L, 0, 2, 1))
        .attr(Attribute.of("dilations", 2L, 1))
        .check();
  }

  @Test
  void conv2dGroupsAndDepthwise() {
    GradCheck.op("Conv", 11)
        .input("x", random(1, -1, 1, 2, 4, 5, 5))
        .input("w", random(2, -1, 1, 6, 2, 3, 3))
        .input("b", random(3, -1, 1, 6))
        .attr(Attribute.of("group", 2L))
        .attr(Attribute.of("pads", 1L, 1, 1, 1))
        .check();
    // depthwise: one input channel per group, channel multiplier 2
    GradCheck.op("Conv", 11)
        .input("x", random(4, -1, 1, 2, 3, 6, 6))
        .input("w", random(5, -1, 1, 6, 1, 3, 3))
        .attr(Attribute.of("group", 3L))
        .attr(Attribute.of("strides", 2L, 2))
        .attr(Attribute.of("pads", 1L, 1, 1, 1))
        .check();
  }

  @Test
  void convAutoPadPointwise1dAnd3d() {
    GradCheck.op("Conv", 11)
        .input("x", random(1, -1, 1, 1, 2, 5, 6))
        .input("w", random(2, -1, 1, 2, 2, 3, 3))
        .attr(Attribute.of("auto_pad", "SAME_UPPER"))
        .attr(Attribute.of("strides", 2L, 2))
        .check();
    GradCheck.op("Conv", 11)
        .input("x", random(3, -1, 1, 1, 2, 5, 6))
        .input("w", random(4, -1, 1, 2, 2, 2, 2))
        .attr(Attribute.of("auto_pad", "SAME_LOWER"))
        .check();
    GradCheck.op("Conv", 11)
        .input("x", random(5, -1, 1, 2, 3, 4, 4))
        .input("w", random(6, -1, 1, 5, 3, 1, 1))
        .input("b", random(7, -1, 1, 5))
        .check();
    GradCheck.op("Conv", 11)
        .input("x", random(8, -1, 1, 2, 3, 9))
        .input("w", random(9, -1, 1, 2, 3, 3))
        .attr(Attribute.of("strides", new long[] {2}))
        .attr(Attribute.of("pads", 1L, 1))
        .check();
    GradCheck.op("Conv", 11)
        .input("x", random(10, -1, 1, 1, 2, 4, 4, 3))
        .input("w", random(11, -1, 1, 2, 2, 2, 3, 2))
        .attr(Attribute.of("pads", 0L, 1, 0, 1, 0, 1))
        .check();
  }

  @Test
  void maxPool() {
    GradCheck.op("MaxPool", 12)
        .input("x", random(1, -1, 1, 2, 3, 6, 6))
        .attr(Attribute.of("kernel_shape", 2L, 2))
        .attr(Attribute.of("strides", 2L, 2))
        .check();
    GradCheck.op("MaxPool", 12)
        .input("x", random(2, -1, 1, 1, 2, 7, 5))
        .attr(Attribute.of("kernel_shape", 3L, 2))
        .attr(Attribute.of("strides", 2L, 1))
        .attr(Attribute.of("pads", 1L, 0, 1, 1))
        .attr(Attribute.of("dilations", 1L, 2))
        .check();
    GradCheck.op("MaxPool", 12)
        .input("x", random(3, -1, 1, 1, 1, 5, 5))
        .attr(Attribute.of("kernel_shape", 2L, 2))
        .attr(Attribute.of("strides", 2L, 2))
        .attr(Attribute.of("ceil_mode", 1L))
        .check();
    // A depth-1 kernel over 3-D inputs: each depth slice pools separately.
    GradCheck.op("MaxPool", 12)
        .input("x", random(4, -1, 1, 1, 2, 3, 4, 4))
        .attr(Attribute.of("kernel_shape", 1L, 2, 2))
        .attr(Attribute.of("strides", 1L, 2, 2))
        .check();
  }

  /** The training graphs' MaxPool: the same gradient, through the recorded argmax. */
  @Test
  void maxPoolWithArgmax() {
    GradCheck.trainOp("MaxPoolWithArgmax", 1)
        .input("x", random(1, -1, 1, 2, 3, 6, 6))
        .attr(Attribute.of("kernel_shape", 2L, 2))
        .attr(Attribute.of("strides", 2L, 2))
        .outputs("y", "argmax")
        .seeded("y")
        .check();
    GradCheck.trainOp("MaxPoolWithArgmax", 1)
        .input("x", random(2, -1, 1, 1, 2, 7, 5))
        .attr(Attribute.of("kernel_shape", 3L, 2))
        .attr(Attribute.of("strides", 2L, 1))
        .attr(Attribute.of("pads", 1L, 0, 1, 1))
        .attr(Attribute.of("dilations", 1L, 2))
        .outputs("y", "argmax")
        .seeded("y")
        .check();
    GradCheck.trainOp("MaxPoolWithArgmax", 1)
        .input("x", random(3, -1, 1, 1, 1, 5, 5))
        .attr(Attribute.of("kernel_shape", 2L, 2))
        .attr(Attribute.of("strides", 2L, 2))
        .attr(Attribute.of("ceil_mode", 1L))
        .outputs("y", "argmax")
        .seeded("y")
        .check();
    GradCheck.trainOp("MaxPoolWithArgmax", 1)
        .input("x", random(4, -1, 1, 1, 2, 3, 4, 5))
        .attr(Attribute.of("kernel_shape", 2L, 2, 2))
        .attr(Attribute.of("strides", 1L, 2, 2))
        .outputs("y", "argmax")
        .seeded("y")
        .check();
  }

  @Test
  void averagePool() {
    GradCheck.op("AveragePool", 11)
        .input("x", random(1, -1, 1, 2, 2, 6, 6))
        .attr(Attribute.of("kernel_shape", 2L, 2))
        .attr(Attribute.of("strides", 2L, 2))
        .check();
    for (long include : new long[] {0, 1}) {
      GradCheck.op("AveragePool", 11)
          .input("x", random(2, -1, 1, 1, 2, 5, 6))
          .attr(Attribute.of("kernel_shape", 3L, 3))
          .attr(Attribute.of("strides", 2L, 2))
          .attr(Attribute.of("pads", 1L, 1, 1, 1))
          .attr(Attribute.of("count_include_pad", include))
          .check();
    }
    GradCheck.op("AveragePool", 11)
        .input("x", random(3, -1, 1, 1, 1, 5, 5))
        .attr(Attribute.of("kernel_shape", 2L, 2))
        .attr(Attribute.of("strides", 2L, 2))
        .attr(Attribute.of("ceil_mode", 1L))
        .check();
    GradCheck.op("GlobalAveragePool", 1).input("x", random(4, -1, 1, 2, 3, 4, 5)).check();
  }

  @Test
  void batchNormalizationTrainingAndInference() {
    Tensor x = random(1, -1, 2, 4, 3, 2, 3);
    GradCheck.op("BatchNormalization", 15)
        .input("x", x)
        .input("scale", random(2, 0.5, 1.5, 3))
        .input("bias", random(3, -1, 1, 3))
        .constant("mean", random(4, -0.5, 0.5, 3))
        .constant("var", random(5, 0.5, 1.5, 3))
        .attr(Attribute.of("training_mode", 1L))
        .outputs("y", "rm", "rv")
        .seeded("y")
        .check();
    GradCheck.op("BatchNormalization", 15)
        .input("x", x)
        .input("scale", random(6, 0.5, 1.5, 3))
        .input("bias", random(7, -1, 1, 3))
        .constant("mean", random(8, -0.5, 0.5, 3))
        .constant("var", random(9, 0.5, 1.5, 3))
        .check();
    GradCheck.op("BatchNormalization", 9)
        .input("x", random(10, -1, 1, 3, 2))
        .input("scale", random(11, 0.5, 1.5, 2))
        .input("bias", random(12, -1, 1, 2))
        .constant("mean", random(13, -0.5, 0.5, 2))
        .constant("var", random(14, 0.5, 1.5, 2))
        .check();
  }

  @Test
  void layerNormalization() {
    GradCheck.op("LayerNormalization", 17)
        .input("x", random(1, -1, 2, 2, 3, 4))
        .input("scale", random(2, 0.5, 1.5, 4))
        .input("bias", random(3, -1, 1, 4))
        .check();
    GradCheck.op("LayerNormalization", 17)
        .input("x", random(4, -1, 2, 2, 3, 4))
        .input("scale", random(5, 0.5, 1.5, 3, 4))
        .attr(Attribute.of("axis", 1L))
        .check();
  }
}
