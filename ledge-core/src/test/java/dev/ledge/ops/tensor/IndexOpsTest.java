package dev.ledge.ops.tensor;

import static dev.ledge.ops.tensor.Tensors.assertFloats;
import static dev.ledge.ops.tensor.Tensors.assertLongs;
import static dev.ledge.ops.tensor.Tensors.assertStrings;
import static dev.ledge.ops.tensor.Tensors.f32;
import static dev.ledge.ops.tensor.Tensors.i64;
import static dev.ledge.ops.tensor.Tensors.longs;
import static dev.ledge.ops.tensor.Tensors.shape;
import static dev.ledge.ops.tensor.Tensors.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexOpsTest {
  private static final Tensor X23 = f32(shape(2, 3), 1, 2, 3, 4, 5, 6);

  private static void assertError(Runnable r, String fragment) {
    LedgeException e = assertThrows(LedgeException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void gatherFamily() {
    Tensor s = str(shape(3), "a", "b", "c");
    assertStrings(
        OpRunner.op("Gather", 13).input(s).input(longs(-1, 0)).run1(), shape(2), "c", "a");
    assertError(() -> OpRunner.op("Gather", 13).input(s).input(longs(3)).run1(), "out of range");
    assertFloats(
        OpRunner.op("GatherElements", 13)
            .attr("axis", 1L)
            .input(X23)
            .input(i64(shape(2, 1), 2, -3))
            .run1(),
        shape(2, 1),
        3,
        4);
    assertError(
        () -> OpRunner.op("GatherElements", 13).input(X23).input(i64(shape(2), 0, 1)).run1(),
        "rank");
    assertFloats(
        OpRunner.op("GatherND", 13)
            .attr("batch_dims", 1L)
            .input(X23)
            .input(i64(shape(2, 1), 2, 0))
            .run1(),
        shape(2),
        3,
        4);
    assertError(
        () -> OpRunner.op("GatherND", 13).input(X23).input(i64(shape(1, 3), 0, 0, 0)).run1(),
        "last dim of 'indices'");
  }

  @Test
  void scatterFamily() {
    Tensor h = Tensors.ofDoubles(DType.FLOAT16, shape(2), 1, 2);
    Tensor hu = Tensors.ofDoubles(DType.FLOAT16, shape(2), 0.5, 0.25);
    Tensor y =
        OpRunner.op("ScatterElements", 18)
            .attr("reduction", "add")
            .input(h)
            .input(longs(0, 0))
            .input(hu)
            .run1();
    assertEquals(1.75, y.getDouble(0));
    assertEquals(2.0, y.getDouble(1));
    Tensor xi = i64(shape(3), 1, 2, 3);
    assertLongs(
        OpRunner.op("ScatterND", 18)
            .attr("reduction", "mul")
            .input(xi)
            .input(i64(shape(2, 1), 1, 1))
            .input(longs(5, 7))
            .run1(),
        DType.INT64,
        shape(3),
        1,
        70,
        3);
    assertLongs(
        OpRunner.op("ScatterND", 18)
            .attr("reduction", "max")
            .input(xi)
            .input(i64(shape(1, 1), -1))
            .input(longs(-5))
            .run1(),
        DType.INT64,
        shape(3),
        1,
        2,
        3);
    assertStrings(
        OpRunner.op("Scatter", 9)
            .input(str(shape(2), "a", "b"))
            .input(longs(1))
            .input(str(shape(1), "z"))
            .run1(),
        shape(2),
        "a",
        "z");
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                OpRunner.op("ScatterElements", 18)
                    .attr("reduction", "add")
                    .input(Tensors.of(DType.BOOL, shape(1), 1))
                    .input(longs(0))
                    .input(Tensors.of(DType.BOOL, shape(1), 1))
                    .run1());
    assertInstanceOf(UnsupportedOpException.class, e);
    assertError(
        () ->
            OpRunner.op("ScatterElements", 13)
                .attr("reduction", "add")
                .input(xi)
                .input(longs(0))
                .input(longs(1))
                .run1(),
        "opset 16");
    assertError(
        () ->
            OpRunner.op("ScatterND", 18)
                .input(xi)
                .input(i64(shape(1, 1), 3))
                .input(longs(1))
                .run1(),
        "out of range");
  }

  @Test
  void tensorScatterWritesAtPositions() {
    Tensor cache = f32(shape(2, 3, 1), 0, 0, 0, 0, 0, 0);
    Tensor upd = f32(shape(2, 2, 1), 1, 2, 3, 4);
    Tensor y =
        OpRunner.op("TensorScatter", 24)
            .attr("axis", 1L)
            .attr("mode", "circular")
            .input(cache)
            .input(upd)
            .input(longs(2, 0))
            .run1();
    assertFloats(y, shape(2, 3, 1), 2, 0, 1, 3, 4, 0);
    assertError(
        () ->
            OpRunner.op("TensorScatter", 24)
                .attr("axis", 1L)
                .input(cache)
                .input(upd)
                .input(longs(2, 0))
                .run1(),
        "outside the cache");
    assertError(
        () -> OpRunner.op("TensorScatter", 24).attr("axis", 0L).input(cache).input(upd).run1(),
        "batch axis");
  }

  @Test
  void oneHotNonZeroCompress() {
    Tensor y =
        OpRunner.op("OneHot", 11)
            .input(f32(shape(3), 1.9f, -1, 5))
            .input(Tensor.scalar(3f))
            .input(str(shape(2), "off", "on"))
            .run1();
    assertStrings(y, shape(3, 3), "off", "on", "off", "off", "off", "on", "off", "off", "off");
    assertLongs(
        OpRunner.op("NonZero", 13).input(f32(shape(2, 2), 0, Float.NaN, 3, 0)).run1(),
        DType.INT64,
        shape(2, 2),
        0,
        1,
        1,
        0);
    Exception e =
        assertThrows(
            Exception.class, () -> OpRunner.op("NonZero", 13).input(Tensor.scalar(1f)).run1());
    assertInstanceOf(UnsupportedOpException.class, e);
    Tensor cond = Tensors.of(DType.BOOL, shape(2), 0, 1);
    assertFloats(OpRunner.op("Compress", 11).input(X23).input(cond).run1(), shape(1), 2);
    assertError(
        () ->
            OpRunner.op("Compress", 11)
                .attr("axis", 0L)
                .input(X23)
                .input(Tensors.of(DType.BOOL, shape(3), 1, 1, 1))
                .run1(),
        "more than");
  }

  @Test
  void topKOrdersTiesByIndexAndNanFirst() {
    Tensor x = f32(shape(5), 3, Float.NaN, 3, 5, -0f);
    List<Tensor> r = OpRunner.op("TopK", 11).input(x).input(longs(3)).outputs(2).run();
    assertTrue(Float.isNaN(r.get(0).getFloat(0)));
    assertEquals(5f, r.get(0).getFloat(1));
    assertLongs(r.get(1), DType.INT64, shape(3), 1, 3, 0);
    r =
        OpRunner.op("TopK", 11)
            .attr("largest", 0L)
            .input(f32(shape(4), 0f, -0f, 2, 0f))
            .input(longs(2))
            .outputs(2)
            .run();
    assertLongs(r.get(1), DType.INT64, shape(2), 0, 1);
    r = OpRunner.op("TopK", 1).attr("k", 1L).input(X23).outputs(2).run();
    assertFloats(r.get(0), shape(2, 1), 3, 6);
    assertError(() -> OpRunner.op("TopK", 11).input(x).input(longs(6)).outputs(2).run(), "k is 6");
  }

  @Test
  void uniqueWithAxisUnsortedKeepsFirstOccurrenceOrder() {
    Tensor x = f32(shape(2, 3), 2, 1, 2, 5, 4, 5);
    List<Tensor> r =
        OpRunner.op("Unique", 11).attr("axis", 1L).attr("sorted", 0L).input(x).outputs(4).run();
    assertFloats(r.get(0), shape(2, 2), 2, 1, 5, 4);
    assertLongs(r.get(1), DType.INT64, shape(2), 0, 1);
    assertLongs(r.get(2), DType.INT64, shape(3), 0, 1, 0);
    assertLongs(r.get(3), DType.INT64, shape(2), 2, 1);
    r =
        OpRunner.op("Unique", 11)
            .input(str(shape(4), "b", "a", "b", "\uD83D\uDE00"))
            .outputs(4)
            .run();
    assertStrings(r.get(0), shape(3), "a", "b", "\uD83D\uDE00");
    assertLongs(r.get(2), DType.INT64, shape(4), 1, 0, 1, 2);
  }

  @Test
  void generators() {
    assertLongs(
        OpRunner.op("Range", 11)
            .input(Tensor.scalar(10L))
            .input(Tensor.scalar(3L))
            .input(Tensor.scalar(-3L))
            .run1(),
        DType.INT64,
        shape(3),
        10,
        7,
        4);
    assertFloats(
        OpRunner.op("Range", 11)
            .input(Tensor.scalar(0f))
            .input(Tensor.scalar(1f))
            .input(Tensor.scalar(0.25f))
            .run1(),
        shape(4),
        0,
        0.25f,
        0.5f,
        0.75f);
    assertError(
        () ->
            OpRunner.op("Range", 11)
                .input(Tensor.scalar(0L))
                .input(Tensor.scalar(3L))
                .input(Tensor.scalar(0L))
                .run1(),
        "'delta' is 0");
    assertLongs(
        OpRunner.op("EyeLike", 9)
            .attr("k", -1L)
            .attr("dtype", (long) DType.BOOL.onnxCode())
            .input(f32(shape(2, 3), new float[6]))
            .run1(),
        DType.BOOL,
        shape(2, 3),
        0,
        0,
        0,
        1,
        0,
        0);
    assertError(() -> OpRunner.op("EyeLike", 9).input(f32(shape(3), 0, 0, 0)).run1(), "2-D");
    assertFloats(
        OpRunner.op("Trilu", 14).attr("upper", 0L).input(X23).input(Tensor.scalar(-1L)).run1(),
        shape(2, 3),
        0,
        0,
        0,
        4,
        0,
        0);
    assertError(() -> OpRunner.op("Trilu", 14).input(f32(shape(2), 1, 2)).run1(), "rank >= 2");
  }

  @Test
  void reverseSequenceAndCol2Im() {
    Tensor x = f32(shape(3, 2), 1, 2, 3, 4, 5, 6); // time x batch
    assertFloats(
        OpRunner.op("ReverseSequence", 10).input(x).input(longs(3, 2)).run1(),
        shape(3, 2),
        5,
        4,
        3,
        2,
        1,
        6);
    assertError(
        () -> OpRunner.op("ReverseSequence", 10).input(x).input(longs(4, 1)).run1(),
        "sequence_lens[0]");
    // One channel, a 1x2 block sliding over a 1x3 image: the middle pixel gets two values.
    Tensor cols = f32(shape(1, 2, 2), 1, 2, 10, 20);
    assertFloats(
        OpRunner.op("Col2Im", 18).input(cols).input(longs(1, 3)).input(longs(1, 2)).run1(),
        shape(1, 1, 1, 3),
        1,
        12,
        20);
    assertError(
        () -> OpRunner.op("Col2Im", 18).input(cols).input(longs(1, 4)).input(longs(1, 2)).run1(),
        "blocks");
  }
}
