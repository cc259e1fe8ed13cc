package dev.ledge.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void wrapSharesTheArray() {
    float[] data = {1, 2, 3, 4, 5, 6};
    Tensor t = Tensor.wrap(data, 2, 3);
    assertSame(data, t.floats());
    data[4] = 42;
    assertEquals(42, t.getFloat(4));
    Tensor r = t.reshape(3, 2);
    assertSame(data, r.floats());
    assertArrayEquals(new int[] {3, 2}, r.shape());
  }

  @Test
  void sizesAreCheckedBeforeAllocating() {
    LedgeException e =
        assertThrows(LedgeException.class, () -> Tensor.allocate(DType.FLOAT32, 1 << 20, 1 << 20));
    assertTrue(e.getMessage().contains("more than"), e.getMessage());
    assertThrows(LedgeException.class, () -> Tensor.allocate(DType.FLOAT32, new long[] {1L << 40}));
    assertThrows(LedgeException.class, () -> Tensor.allocate(DType.FLOAT32, 2, -1));
    assertThrows(LedgeException.class, () -> Tensor.wrap(new float[5], 2, 3));
    assertThrows(LedgeException.class, () -> Tensor.wrap(DType.INT64, new float[6], 0, 6));
  }

  @Test
  void packedInt4AndUint2() {
    Tensor t = Tensor.allocate(DType.INT4, 5);
    assertEquals(3, t.bytes().length);
    long[] v = {-8, 7, -1, 0, 3};
    for (int i = 0; i < 5; i++) {
      t.setLong(i, v[i]);
    }
    assertArrayEquals(v, t.toLongArray());
    assertEquals((byte) 0x78, t.bytes()[0]); // low nibble first: -8 -> 0x8, 7 -> 0x7
    Tensor u = Tensor.allocate(DType.UINT2, 4);
    for (int i = 0; i < 4; i++) {
      u.setLong(i, i);
    }
    assertEquals((byte) 0b11100100, u.bytes()[0]);
    assertArrayEquals(new long[] {0, 1, 2, 3}, u.toLongArray());
  }

  @Test
  void unsignedAndHalfTypes() {
    Tensor u = Tensor.allocate(DType.UINT32, 1);
    u.setLong(0, 0xFFFF_FFFFL);
    assertEquals(0xFFFF_FFFFL, u.getLong(0));
    assertEquals(4294967295.0, u.getDouble(0));
    Tensor u64 = Tensor.wrap(DType.UINT64, new long[] {-1}, 0);
    assertEquals(1.8446744073709552e19, u64.getDouble(0));
    Tensor h = Tensor.allocate(DType.FLOAT16, 2);
    h.setFloat(0, 1.5f);
    h.setFloat(1, 65504f);
    assertEquals(1.5f, h.getFloat(0));
    assertEquals(65504f, h.getFloat(1));
    Tensor b = Tensor.allocate(DType.BFLOAT16, 1);
    b.setFloat(0, 3.0f);
    assertEquals(3.0f, b.getFloat(0));
  }

  @Test
  void wrapsMemorySegmentsWithoutCopying() {
    float[] backing = {9, 1, 2, 3};
    Tensor heap = Tensor.wrap(DType.FLOAT32, MemorySegment.ofArray(backing).asSlice(4), 3);
    assertTrue(heap.isArrayBacked());
    assertSame(backing, heap.floats());
    assertEquals(1, heap.offset());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(4 * 4);
      for (int i = 0; i < 4; i++) {
        seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, i + 0.5f);
      }
      Tensor t = Tensor.wrap(DType.FLOAT32, seg, 2, 2);
      assertFalse(t.isArrayBacked());
      assertEquals(2.5f, t.getFloat(2));
      t.setFloat(3, -1);
      assertEquals(-1, seg.getAtIndex(ValueLayout.JAVA_FLOAT, 3));
      Tensor h = t.toHeap();
      assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, -1}, h.floats());
      assertThrows(LedgeException.class, t::floats);
      Tensor src = Tensor.wrap(new float[] {7, 7, 7, 7}, 2, 2);
      t.copyFrom(src);
      assertEquals(7, seg.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
      assertThrows(LedgeException.class, () -> Tensor.wrap(DType.FLOAT32, seg, 5));
    }
  }

  @Test
  void broadcasting() {
    assertArrayEquals(new int[] {2, 3, 4}, Shapes.broadcast(new int[] {3, 1}, new int[] {2, 1, 4}));
    assertThrows(LedgeException.class, () -> Shapes.broadcast(new int[] {3}, new int[] {4}));
    assertArrayEquals(
        new int[] {0, 1, 0}, Shapes.broadcastStrides(new int[] {2, 1}, new int[] {3, 2, 5}));
  }
}
