package dev.ledge.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReduceOpTest {
  private static Tensor ints(DType t, long[] values, int... shape) {
    Tensor x = Tensor.allocate(t, shape);
    for (int i = 0; i < values.length; i++) {
      x.setLong(i, values[i]);
    }
    return x;
  }

  private static NodeHarness reduce(String op, Tensor x, long... axes) {
    return NodeHarness.op(op, 18).input("x", x).constant("axes", Tensor.ofLongs(axes));
  }

  /** Every axis subset of random shapes against a direct per-output-element computation. */
  @Test
  void sumAndMaxMatchDirectComputationOnRandomShapes() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 60; trial++) {
      int rank = 1 + rnd.nextInt(4);
      int[] shape = new int[rank];
      for (int i = 0; i < rank; i++) {
        shape[i] = 1 + rnd.nextInt(4);
      }
      int n = dev.ledge.tensor.Shapes.size(shape);
      float[] data = new float[n];
      for (int i = 0; i < n; i++) {
        data[i] = rnd.nextInt(21) - 10;
      }
      boolean[] reduced = new boolean[rank];
      long[] axes = new long[rank];
      int k = 0;
      for (int i = 0; i < rank; i++) {
        if (rnd.nextBoolean()) {
          reduced[i] = true;
          axes[k++] = rnd.nextBoolean() ? i : i - rank;
        }
      }
      if (k == 0) {
        continue;
      }
      long[] given = java.util.Arrays.copyOf(axes, k);
      Tensor x = Tensor.wrap(data, shape);
      int[] outShape = ReduceOp.outputDims(shape, reduced, true);
      float[] sum = new float[dev.ledge.tensor.Shapes.size(outShape)];
      float[] max = new float[sum.length];
      java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
      int[] strides = dev.ledge.tensor.Shapes.strides(outShape);
      int[] idx = new int[rank];
      for (int i = 0; i < n; i++) {
        int rem = i;
        int o = 0;
        for (int d = rank - 1; d >= 0; d--) {
          idx[d] = rem % shape[d];
          rem /= shape[d];
        }
        for (int d = 0; d < rank; d++) {
          o += reduced[d] ? 0 : idx[d] * strides[d];
        }
        sum[o] += data[i];
        max[o] = Math.max(max[o], data[i]);
      }
      Tensor s = reduce("ReduceSum", x, given).run1();
      Tensor m = reduce("ReduceMax", x, given).run1();
      assertArrayEquals(outShape, s.shape());
      assertArrayEquals(sum, s.toFloatArray(), java.util.Arrays.toString(shape));
      assertArrayEquals(max, m.toFloatArray(), java.util.Arrays.toString(shape));
    }
  }

  @Test
  void integerTypesAreExactAndUnsignedCompareUnsigned() {
    Tensor u64 = ints(DType.UINT64, new long[] {1, -1L, 5}, 3);
    assertEquals(-1L, reduce("ReduceMax", u64, 0).run1().getLong(0));
    assertEquals(1L, reduce("ReduceMin", u64, 0).run1().getLong(0));
    Tensor u8 = ints(DType.UINT8, new long[] {200, 100, 3, 4}, 2, 2);
    Tensor sum = reduce("ReduceSum", u8, 0).run1();
    assertArrayEquals(new long[] {203, 104}, sum.toLongArray());
    Tensor i32 = ints(DType.INT32, new long[] {7, -8, 3}, 3);
    assertEquals(0L, reduce("ReduceMean", i32, 0).run1().getLong(0)); // 2/3 truncates to 0
    assertEquals(18L, reduce("ReduceL1", i32, 0).run1().getLong(0));
    assertEquals(11L, reduce("ReduceL2", i32, 0).run1().getLong(0)); // sqrt(122) = 11.04
    assertEquals(-168L, reduce("ReduceProd", i32, 0).run1().getLong(0));
  }

  @Test
  void emptySetsGiveTheIdentity() {
    Tensor i8 = Tensor.allocate(DType.INT8, 2, 0);
    assertArrayEquals(new long[] {127, 127}, reduce("ReduceMin", i8, 1).run1().toLongArray());
    assertArrayEquals(new long[] {-128, -128}, reduce("ReduceMax", i8, 1).run1().toLongArray());
    Tensor f = Tensor.allocate(DType.FLOAT32, 0, 3);
    Tensor prod = reduce("ReduceProd", f, 0).run1();
    assertArrayEquals(new int[] {1, 3}, prod.shape());
    assertArrayEquals(new float[] {1, 1, 1}, prod.toFloatArray());
    Tensor lse = reduce("ReduceLogSumExp", f, 0).run1();
    assertEquals(Float.NEGATIVE_INFINITY, lse.getFloat(0));
    assertTrue(Float.isNaN(reduce("ReduceMean", f, 0).run1().getFloat(0)));
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> reduce("ReduceMean", Tensor.allocate(DType.INT32, 2, 0), 1).run1());
    assertTrue(e.getMessage().contains("empty set"), e.getMessage());
  }

  @Test
  void boolMaxAndMinFromOpset20() {
    Tensor b = ints(DType.BOOL, new long[] {1, 0, 0, 0}, 2, 2);
    Tensor any =
        NodeHarness.op("ReduceMax", 20).input("x", b).constant("axes", Tensor.ofLongs(1)).run1();
    assertEquals(DType.BOOL, any.dtype());
    assertArrayEquals(new long[] {1, 0}, any.toLongArray());
    Tensor all =
        NodeHarness.op("ReduceMin", 20).input("x", b).constant("axes", Tensor.ofLongs(0)).run1();
    assertArrayEquals(new long[] {0, 0}, all.toLongArray());
    LedgeException e =
        assertThrows(
            LedgeException.class, () -> NodeHarness.op("ReduceMax", 18).input("x", b).run1());
    assertTrue(e.getMessage().contains("opset 20"), e.getMessage());
  }

  @Test
  void float16AccumulatesBeyondHalfPrecision() {
    // 2048 + 1 + 1 is 2050 exactly, but 2048 + 1 rounds back to 2048 in float16.
    Tensor h = Tensor.allocate(DType.FLOAT16, 3);
    h.setDouble(0, 2048);
    h.setDouble(1, 1);
    h.setDouble(2, 1);
    Tensor s = reduce("ReduceSum", h).run1();
    assertEquals(DType.FLOAT16, s.dtype());
    assertEquals(2050f, FloatFormats.f16ToFloat(s.rawBits(0)));
  }

  @Test
  void noopWithEmptyAxesStillAppliesTheElementMap() {
    Tensor x = Tensor.ofFloats(-2, 3);
    Tensor y =
        NodeHarness.op("ReduceSumSquare", 18)
            .input("x", x)
            .attr(Attribute.of("noop_with_empty_axes", 1L))
            .run1();
    assertArrayEquals(new float[] {4, 9}, y.toFloatArray());
    Tensor l1 =
        NodeHarness.op("ReduceL1", 18)
            .input("x", x)
            .constant("axes", Tensor.ofLongs())
            .attr(Attribute.of("noop_with_empty_axes", 1L))
            .run1();
    assertArrayEquals(new float[] {2, 3}, l1.toFloatArray());
  }

  @Test
  void axesAttributeBeforeOpset18AndInputAfter() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor y =
        NodeHarness.op("ReduceMean", 13)
            .input("x", x)
            .attr(Attribute.of("axes", new long[] {1}))
            .attr(Attribute.of("keepdims", 0L))
            .run1();
    assertArrayEquals(new float[] {1.5f, 3.5f}, y.toFloatArray());
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("ReduceMean", 18)
                    .input("x", x)
                    .attr(Attribute.of("axes", new long[] {1}))
                    .run1());
    assertTrue(e.getMessage().contains("is an input"), e.getMessage());
  }

  @Test
  void axesKnownOnlyAtRunTime() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor y =
        NodeHarness.op("ReduceSum", 13)
            .dynamicInput("x", x)
            .input("axes", Tensor.ofLongs(-1))
            .attr(Attribute.of("keepdims", 0L))
            .run1();
    assertArrayEquals(new float[] {6, 15}, y.toFloatArray());
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("ReduceSum", 13)
                    .input("x", x)
                    .input("axes", Tensor.ofLongs(2))
                    .run1());
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
  }

  @Test
  void badAxesAndTypesAreReported() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2);
    LedgeException dup =
        assertThrows(LedgeException.class, () -> reduce("ReduceSum", x, 0, -2).run1());
    assertTrue(dup.getMessage().contains("twice"), dup.getMessage());
    assertThrows(
        UnsupportedOpException.class,
        () -> reduce("ReduceLogSumExp", ints(DType.INT32, new long[] {1}, 1), 0).run1());
    LedgeException str =
        assertThrows(
            LedgeException.class,
            () -> reduce("ReduceSum", Tensor.wrap(new String[] {"a"}, 1), 0).run1());
    assertTrue(str.getMessage().contains("expected float32"), str.getMessage());
  }

  @Test
  void logSumExpIsStableForLargeValues() {
    Tensor x = Tensor.wrap(new double[] {1000, 1000}, 2);
    Tensor y = reduce("ReduceLogSumExp", x, 0).run1();
    assertEquals(1000 + Math.log(2), y.getDouble(0), 1e-12);
  }
}
