package dev.ledge.ops.tensor;

import static dev.ledge.ops.tensor.Tensors.assertFloats;
import static dev.ledge.ops.tensor.Tensors.assertStrings;
import static dev.ledge.ops.tensor.Tensors.f32;
import static dev.ledge.ops.tensor.Tensors.longs;
import static dev.ledge.ops.tensor.Tensors.shape;
import static dev.ledge.ops.tensor.Tensors.str;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ResizeOpTest {
  private static final Tensor X22 = f32(shape(1, 1, 2, 2), 1, 2, 3, 4);

  @Test
  void upsample7LinearIsAsymmetric() {
    Tensor y =
        OpRunner.op("Upsample", 7)
            .attr("mode", "linear")
            .attr(Attribute.of("scales", new float[] {1, 1, 2, 2}))
            .input(X22)
            .run1();
    assertFloats(y, shape(1, 1, 4, 4), 1, 1.5f, 2, 2, 2, 2.5f, 3, 3, 3, 3.5f, 4, 4, 3, 3.5f, 4, 4);
  }

  @Test
  void upsampleNearestRepeatsForIntegerScales() {
    Tensor y = OpRunner.op("Upsample", 9).input(X22).input(Tensor.ofFloats(1, 1, 1, 3)).run1();
    assertFloats(y, shape(1, 1, 2, 6), 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4);
    Tensor z =
        OpRunner.op("Resize", 10)
            .input(f32(shape(4), 1, 2, 3, 4))
            .input(Tensor.ofFloats(0.5f))
            .run1();
    assertFloats(z, shape(2), 1, 3);
  }

  @Test
  void upsampleNearestWithFractionalScaleIsUnsupported() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                OpRunner.op("Upsample", 9)
                    .input(X22)
                    .constant(Tensor.ofFloats(1, 1, 1.5f, 1.5f))
                    .run1());
    assertInstanceOf(UnsupportedOpException.class, e);
  }

  @Test
  void tfHalfPixelForNnInOpset11() {
    Tensor y =
        OpRunner.op("Resize", 11)
            .attr("coordinate_transformation_mode", "tf_half_pixel_for_nn")
            .input(f32(shape(4), 1, 2, 3, 4))
            .input(Tensor.ofFloats())
            .input(Tensor.ofFloats(2))
            .run1();
    assertFloats(y, shape(8), 1, 2, 2, 3, 3, 4, 4, 4);
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                OpRunner.op("Resize", 13)
                    .attr("coordinate_transformation_mode", "tf_half_pixel_for_nn")
                    .input(X22)
                    .missing()
                    .input(Tensor.ofFloats(1, 1, 2, 2))
                    .run1());
    assertTrue(e.getMessage().contains("removed"), e.getMessage());
  }

  @Test
  void nearestWorksForStrings() {
    Tensor y =
        OpRunner.op("Resize", 19)
            .input(str(shape(2), "a", "b"))
            .missing()
            .missing()
            .input(longs(4))
            .run1();
    assertStrings(y, shape(4), "a", "a", "b", "b");
  }

  @Test
  void integerInterpolationIsUnsupported() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                OpRunner.op("Resize", 19)
                    .attr("mode", "linear")
                    .input(Tensor.wrap(new int[] {1, 2}, 2))
                    .missing()
                    .input(Tensor.ofFloats(2))
                    .run1());
    assertInstanceOf(UnsupportedOpException.class, e);
  }

  @Test
  void scalesAndSizesAreExclusive() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                OpRunner.op("Resize", 19)
                    .input(X22)
                    .missing()
                    .input(Tensor.ofFloats(1, 1, 2, 2))
                    .input(longs(1, 1, 4, 4))
                    .run1());
    assertTrue(e.getMessage().contains("exactly one"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                OpRunner.op("Resize", 19).input(X22).missing().input(Tensor.ofFloats(2, 2)).run1());
    assertTrue(e.getMessage().contains("expected 4"), e.getMessage());
  }
}
