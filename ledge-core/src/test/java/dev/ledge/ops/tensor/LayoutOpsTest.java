package dev.ledge.ops.tensor;

import static dev.ledge.ops.tensor.Tensors.assertFloats;
import static dev.ledge.ops.tensor.Tensors.assertLongs;
import static dev.ledge.ops.tensor.Tensors.assertStrings;
import static dev.ledge.ops.tensor.Tensors.f32;
import static dev.ledge.ops.tensor.Tensors.i64;
import static dev.ledge.ops.tensor.Tensors.longs;
import static dev.ledge.ops.tensor.Tensors.shape;
import static dev.ledge.ops.tensor.Tensors.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutOpsTest {
  private static final Tensor X23 = f32(shape(2, 3), 1, 2, 3, 4, 5, 6);

  private static void assertError(Runnable r, String fragment) {
    LedgeException e = assertThrows(LedgeException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void reshapeInfersAndCopiesDims() {
    assertFloats(
        OpRunner.op("Reshape", 14).input(X23).input(longs(3, -1)).run1(),
        shape(3, 2),
        1,
        2,
        3,
        4,
        5,
        6);
    assertFloats(
        OpRunner.op("Reshape", 14).input(X23).input(longs(0, 3, 1)).run1(),
        shape(2, 3, 1),
        1,
        2,
        3,
        4,
        5,
        6);
    assertFloats(
        OpRunner.op("Reshape", 1).ints("shape", 6L, 1L).input(X23).run1(),
        shape(6, 1),
        1,
        2,
        3,
        4,
        5,
        6);
    Tensor empty = f32(shape(0, 3));
    assertArrayEquals(
        shape(3, 0),
        OpRunner.op("Reshape", 14)
            .attr("allowzero", 1L)
            .input(empty)
            .input(longs(3, 0))
            .run1()
            .shape());
  }

  @Test
  void reshapeErrors() {
    assertError(
        () -> OpRunner.op("Reshape", 14).input(X23).input(longs(-1, -1)).run1(),
        "more than one -1");
    assertError(
        () -> OpRunner.op("Reshape", 14).input(X23).input(longs(4, 2)).run1(), "cannot reshape");
    assertError(
        () -> OpRunner.op("Reshape", 14).input(X23).constant(longs(5, -1)).run1(),
        "cannot reshape");
    assertError(
        () -> OpRunner.op("Reshape", 14).input(X23).input(longs(-2, 3)).run1(), "invalid dim");
  }

  @Test
  void flattenSqueezeUnsqueezeAcrossOpsets() {
    Tensor x = f32(shape(1, 2, 1, 3), 1, 2, 3, 4, 5, 6);
    assertArrayEquals(
        shape(2, 3), OpRunner.op("Flatten", 13).attr("axis", -2L).input(x).run1().shape());
    assertError(() -> OpRunner.op("Flatten", 9).attr("axis", -1L).input(x).run1(), "axis");
    assertArrayEquals(shape(2, 3), OpRunner.op("Squeeze", 13).input(x).run1().shape());
    assertArrayEquals(
        shape(2, 1, 3), OpRunner.op("Squeeze", 1).ints("axes", 0L).input(x).run1().shape());
    assertError(() -> OpRunner.op("Squeeze", 13).input(x).input(longs(1)).run1(), "size is not 1");
    assertArrayEquals(
        shape(1, 2, 3, 1),
        OpRunner.op("Unsqueeze", 11).ints("axes", 0L, -1L).input(X23).run1().shape());
    assertArrayEquals(
        shape(2, 1, 3), OpRunner.op("Unsqueeze", 13).input(X23).input(longs(1)).run1().shape());
    assertError(() -> OpRunner.op("Unsqueeze", 13).input(X23).input(longs(1, 1)).run1(), "repeats");
  }

  @Test
  void transposeMovesPackedAndStringElements() {
    Tensor x4 = Tensors.of(DType.INT4, shape(2, 3), 1, 2, 3, -4, -5, -6);
    assertLongs(
        OpRunner.op("Transpose", 21).input(x4).run1(),
        DType.INT4,
        shape(3, 2),
        1,
        -4,
        2,
        -5,
        3,
        -6);
    Tensor s = str(shape(2, 2), "a", "b", "c", "d");
    assertStrings(
        OpRunner.op("Transpose", 13).ints("perm", 1L, 0L).input(s).run1(),
        shape(2, 2),
        "a",
        "c",
        "b",
        "d");
    assertError(
        () -> OpRunner.op("Transpose", 13).ints("perm", 0L, 0L).input(s).run1(),
        "not a permutation");
  }

  @Test
  void transposeMatchesTheDefinitionOnRandomShapes() {
    java.util.Random r = new java.util.Random(7);
    for (int trial = 0; trial < 300; trial++) {
      int rank = 1 + r.nextInt(6);
      int[] dims = new int[rank];
      for (int i = 0; i < rank; i++) {
        dims[i] = r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(4);
      }
      List<Integer> order = new java.util.ArrayList<>();
      for (int i = 0; i < rank; i++) {
        order.add(i);
      }
      java.util.Collections.shuffle(order, r);
      long[] perm = order.stream().mapToLong(Integer::longValue).toArray();
      Tensor x = Tensor.allocate(DType.FLOAT32, dims);
      for (int i = 0; i < x.size(); i++) {
        x.setDouble(i, i);
      }
      Tensor y = OpRunner.op("Transpose", 13).ints("perm", perm).input(x).run1();
      int[] inStrides = dev.ledge.tensor.Shapes.strides(dims);
      int[] out = y.shape();
      int[] idx = new int[rank];
      for (int i = 0; i < y.size(); i++) {
        int src = 0;
        for (int d = 0, rem = i; d < rank; d++) {
          int below = 1;
          for (int e = d + 1; e < rank; e++) {
            below *= out[e];
          }
          idx[d] = rem / below;
          rem %= below;
          src += idx[d] * inStrides[(int) perm[d]];
        }
        if (y.getDouble(i) != src) {
          throw new AssertionError(
              java.util.Arrays.toString(dims)
                  + " perm "
                  + java.util.Arrays.toString(perm)
                  + ": element "
                  + i
                  + " is "
                  + y.getDouble(i)
                  + ", expected "
                  + src);
        }
      }
    }
  }

  @Test
  void concatAndSplitAcrossOpsets() {
    Tensor a = str(shape(1, 2), "a", "b");
    Tensor b = str(shape(1, 1), "c");
    assertStrings(OpRunner.op("Concat", 1).input(a).input(b).run1(), shape(1, 3), "a", "b", "c");
    assertError(
        () -> OpRunner.op("Concat", 13).attr("axis", 0L).input(a).input(b).run1(), "differs");
    List<Tensor> parts =
        OpRunner.op("Split", 2).attr("axis", 1L).ints("split", 1L, 2L).input(X23).outputs(2).run();
    assertFloats(parts.get(0), shape(2, 1), 1, 4);
    assertFloats(parts.get(1), shape(2, 2), 2, 3, 5, 6);
    parts = OpRunner.op("Split", 1).attr("axis", 1L).input(X23).input(longs(2, 1)).outputs(2).run();
    assertFloats(parts.get(1), shape(2, 1), 3, 6);
    parts =
        OpRunner.op("Split", 18)
            .attr("axis", 1L)
            .attr("num_outputs", 2L)
            .input(X23)
            .outputs(2)
            .run();
    assertFloats(parts.get(0), shape(2, 2), 1, 2, 4, 5);
    assertFloats(parts.get(1), shape(2, 1), 3, 6);
    assertError(
        () -> OpRunner.op("Split", 13).attr("axis", 1L).input(X23).outputs(2).run(), "equal parts");
    assertError(
        () -> OpRunner.op("Split", 13).input(X23).input(longs(1, 2)).outputs(2).run(), "sums to");
  }

  @Test
  void sliceClampsAndStepsBackwards() {
    Tensor x = f32(shape(5), 0, 1, 2, 3, 4);
    assertFloats(
        OpRunner.op("Slice", 13)
            .input(x)
            .input(longs(Long.MAX_VALUE))
            .input(longs(Long.MIN_VALUE))
            .input(longs(0))
            .input(longs(-2))
            .run1(),
        shape(3),
        4,
        2,
        0);
    assertFloats(
        OpRunner.op("Slice", 13).input(x).input(longs(-3)).input(longs(100)).run1(),
        shape(3),
        2,
        3,
        4);
    assertFloats(
        OpRunner.op("Slice", 13).input(x).input(longs(3)).input(longs(1)).run1(), shape(0));
    assertFloats(
        OpRunner.op("Slice", 1).ints("starts", 1L).ints("ends", -1L).input(x).run1(),
        shape(3),
        1,
        2,
        3);
    assertFloats(
        OpRunner.op("Slice", 13)
            .input(X23)
            .input(longs(2))
            .input(longs(0))
            .input(longs(-1))
            .input(longs(Long.MIN_VALUE))
            .run1(),
        shape(2, 1),
        3,
        6);
    assertError(
        () ->
            OpRunner.op("Slice", 13)
                .input(x)
                .input(longs(0))
                .input(longs(3))
                .input(longs(0))
                .input(longs(0))
                .run1(),
        "zero step");
  }

  @Test
  void expandAndTile() {
    Tensor x = f32(shape(3, 1), 1, 2, 3);
    assertFloats(
        OpRunner.op("Expand", 13).input(x).input(longs(2, 1, 2)).run1(),
        shape(2, 3, 2),
        1,
        1,
        2,
        2,
        3,
        3,
        1,
        1,
        2,
        2,
        3,
        3);
    assertError(
        () -> OpRunner.op("Expand", 13).input(x).input(longs(2, 2)).run1(), "cannot be expanded");
    assertFloats(
        OpRunner.op("Tile", 13).input(X23).input(longs(1, 2)).run1(),
        shape(2, 6),
        1,
        2,
        3,
        1,
        2,
        3,
        4,
        5,
        6,
        4,
        5,
        6);
    assertFloats(
        OpRunner.op("Tile", 1).input(X23).input(longs(2)).input(longs(0)).run1(),
        shape(4, 3),
        1,
        2,
        3,
        4,
        5,
        6,
        1,
        2,
        3,
        4,
        5,
        6);
    assertError(() -> OpRunner.op("Tile", 13).input(X23).input(longs(1, -1)).run1(), "negative");
  }

  @Test
  void padModesAndOpsets() {
    Tensor x = f32(shape(3), 1, 2, 3);
    assertFloats(
        OpRunner.op("Pad", 13).attr("mode", "reflect").input(x).input(longs(5, 0)).run1(),
        shape(8),
        2,
        1,
        2,
        3,
        2,
        1,
        2,
        3);
    assertFloats(
        OpRunner.op("Pad", 19).attr("mode", "wrap").input(x).input(longs(2, 1)).run1(),
        shape(6),
        2,
        3,
        1,
        2,
        3,
        1);
    assertFloats(
        OpRunner.op("Pad", 13).attr("mode", "edge").input(x).input(longs(-1, 2)).run1(),
        shape(4),
        2,
        3,
        3,
        3);
    assertFloats(
        OpRunner.op("Pad", 13).input(x).input(longs(1, -2)).input(Tensor.scalar(9f)).run1(),
        shape(2),
        9,
        1);
    // crop two from the front, then mirror the remaining [3, 4] at the end
    Tensor x4 = f32(shape(4), 1, 2, 3, 4);
    assertFloats(
        OpRunner.op("Pad", 13).attr("mode", "reflect").input(x4).input(longs(-2, 3)).run1(),
        shape(5),
        3,
        4,
        3,
        4,
        3);
    Tensor xi = Tensor.wrap(new int[] {1, 2}, 2);
    assertLongs(
        OpRunner.op("Pad", 2).ints("pads", 1L, 1L).attr("value", 2.7f).input(xi).run1(),
        DType.INT32,
        shape(4),
        2,
        1,
        2,
        2);
    assertFloats(
        OpRunner.op("Pad", 18).input(X23).input(longs(1, 0)).missing().input(longs(-1)).run1(),
        shape(2, 4),
        0,
        1,
        2,
        3,
        0,
        4,
        5,
        6);
    assertStrings(
        OpRunner.op("Pad", 13).input(str(shape(1), "x")).input(longs(1, 0)).run1(),
        shape(2),
        "",
        "x");
    assertError(
        () ->
            OpRunner.op("Pad", 13)
                .attr("mode", "edge")
                .input(f32(shape(0)))
                .input(longs(1, 0))
                .run1(),
        "empty axis");
    assertError(() -> OpRunner.op("Pad", 13).input(x).input(longs(-2, -2)).run1(), "padded length");
    assertError(
        () -> OpRunner.op("Pad", 13).attr("mode", "wrap").input(x).input(longs(1, 0)).run1(),
        "opset 19");
  }

  @Test
  void depthToSpaceModesAreInverseOfSpaceToDepth() {
    float[] v = new float[16];
    for (int i = 0; i < 16; i++) {
      v[i] = i;
    }
    Tensor x = f32(shape(1, 4, 2, 2), v);
    Tensor dcr = OpRunner.op("DepthToSpace", 13).attr("blocksize", 2L).input(x).run1();
    Tensor back = OpRunner.op("SpaceToDepth", 13).attr("blocksize", 2L).input(dcr).run1();
    assertArrayEquals(v, back.toFloatArray());
    Tensor crd =
        OpRunner.op("DepthToSpace", 13).attr("blocksize", 2L).attr("mode", "CRD").input(x).run1();
    assertFloats(crd, shape(1, 1, 4, 4), 0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15);
    assertError(
        () -> OpRunner.op("DepthToSpace", 13).attr("blocksize", 3L).input(x).run1(),
        "not divisible");
  }

  @Test
  void centerCropPadCropsAndPadsTowardsTheEnd() {
    Tensor x = f32(shape(4), 1, 2, 3, 4);
    assertFloats(OpRunner.op("CenterCropPad", 18).input(x).input(longs(1)).run1(), shape(1), 2);
    assertFloats(
        OpRunner.op("CenterCropPad", 18).input(x).input(longs(7)).run1(),
        shape(7),
        0,
        1,
        2,
        3,
        4,
        0,
        0);
    assertError(
        () -> OpRunner.op("CenterCropPad", 18).input(x).input(longs(1, 1)).run1(),
        "one entry per axis");
  }

  @Test
  void shapeOfStaticInputIsConstantAndSlices() {
    assertLongs(
        OpRunner.op("Shape", 15)
            .attr("start", -2L)
            .input(Tensor.allocate(DType.FLOAT32, 2, 3, 4))
            .run1(),
        DType.INT64,
        shape(2),
        3,
        4);
    assertLongs(
        OpRunner.op("Shape", 1).input(Tensor.allocate(DType.FLOAT32, 2, 3, 4)).run1(),
        DType.INT64,
        shape(3),
        2,
        3,
        4);
    assertLongs(
        OpRunner.op("Size", 13).input(Tensor.allocate(DType.FLOAT32, 2, 3, 4)).run1(),
        DType.INT64,
        shape(),
        24);
    assertLongs(
        OpRunner.op("ConstantOfShape", 9).input(longs(2)).run1().reshape(2),
        DType.FLOAT32,
        shape(2),
        0,
        0);
    assertError(() -> OpRunner.op("ConstantOfShape", 9).input(longs(2, -1)).run1(), "dim 1");
  }

  @Test
  void packedElementsMoveThroughBlockCopiesAndFills() {
    Tensor a = Tensors.of(DType.UINT2, shape(3), 1, 2, 3);
    Tensor b = Tensors.of(DType.UINT2, shape(2), 3, 0);
    Tensor c = OpRunner.op("Concat", 25).attr("axis", 0L).input(a).input(b).run1();
    assertLongs(c, DType.UINT2, shape(5), 1, 2, 3, 3, 0);
    List<Tensor> parts = OpRunner.op("Split", 25).input(c).input(longs(2, 3)).outputs(2).run();
    assertLongs(parts.get(1), DType.UINT2, shape(3), 3, 3, 0);
    Tensor x = Tensors.of(DType.INT4, shape(3), -8, 7, -1);
    Tensor v = Tensors.of(DType.INT4, shape(), 5);
    assertLongs(
        OpRunner.op("Pad", 25).input(x).input(longs(1, 2)).input(v).run1(),
        DType.INT4,
        shape(6),
        5,
        -8,
        7,
        -1,
        5,
        5);
    assertLongs(
        OpRunner.op("Gather", 25).input(x).input(longs(2, 0, 2)).run1(),
        DType.INT4,
        shape(3),
        -1,
        -8,
        -1);
  }

  @Test
  void attributesThatBecameInputsAreRejected() {
    assertError(
        () -> OpRunner.op("Squeeze", 13).ints("axes", 0L).input(X23).run1(),
        "became an input in opset 13");
    assertError(
        () ->
            OpRunner.op("Split", 18)
                .ints("split", 1L, 2L)
                .attr("axis", 1L)
                .input(X23)
                .outputs(2)
                .run(),
        "became an input");
  }

  @Test
  void i64Helper() {
    assertArrayEquals(shape(2), i64(shape(2), 1, 2).shape());
  }
}
