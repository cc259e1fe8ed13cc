package dev.ledge.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy files written by NumPy 2.x (resources/npy) are read; what Ledge writes reads back. */
class NpyTest {
  @TempDir Path tmp;

  private static Tensor resource(String name) throws IOException {
    try (InputStream in = NpyTest.class.getResourceAsStream("/npy/" + name)) {
      byte[] b = in.readAllBytes();
      return Npy.read(new ByteArrayInputStream(b), name, b.length);
    }
  }

  @Test
  void readsNumpyFiles() throws IOException {
    Tensor f = resource("f32_2x3.npy");
    assertEquals(DType.FLOAT32, f.dtype());
    assertArrayEquals(new int[] {2, 3}, f.shape());
    assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, f.toFloatArray());

    Tensor s = resource("i64_scalar.npy");
    assertEquals(0, s.rank());
    assertEquals(-7, s.getLong(0));

    Tensor b = resource("bool_4.npy");
    assertEquals(DType.BOOL, b.dtype());
    assertArrayEquals(new long[] {1, 0, 0, 1}, b.toLongArray());

    Tensor u = resource("u16_be.npy");
    assertEquals(DType.UINT16, u.dtype());
    assertArrayEquals(new long[] {1, 258, 65535}, u.toLongArray());

    Tensor h = resource("f16_3.npy");
    assertArrayEquals(new float[] {0.5f, -2, 65504}, h.toFloatArray());

    Tensor str = resource("str_2.npy");
    assertEquals("ab", str.getString(0));
    assertEquals("héllo", str.getString(1));
  }

  @Test
  void fortranOrderIsReorderedToRowMajor() throws IOException {
    Tensor t = resource("f64_fortran.npy");
    assertArrayEquals(new int[] {2, 3, 4}, t.shape());
    for (int i = 0; i < 24; i++) {
      assertEquals(i, t.getDouble(i), "element " + i);
    }
  }

  @Test
  void writeThenReadRoundTrips() {
    Tensor t = Tensor.wrap(new float[] {1, -2, 3.5f, Float.NaN, 0, 7}, 3, 2);
    Path f = tmp.resolve("out/x.npy");
    Npy.write(f, t);
    Tensor r = Npy.read(f);
    assertArrayEquals(t.shape(), r.shape());
    assertArrayEquals(t.toFloatArray(), r.toFloatArray());
    Tensor s = Tensor.wrap(new String[] {"a", "日本"}, 2);
    Npy.write(f, s);
    assertEquals("日本", Npy.read(f).getString(1));
  }

  @Test
  void headerIsPaddedTo64Bytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, Tensor.ofLongs(1, 2, 3));
    byte[] b = out.toByteArray();
    int headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
    assertEquals(0, (10 + headerLen) % 64);
    assertEquals('\n', b[10 + headerLen - 1]);
  }

  @Test
  void badFilesGiveClearErrors() throws IOException {
    Path junk = tmp.resolve("junk.npy");
    Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    assertTrue(
        assertThrows(LedgeException.class, () -> Npy.read(junk))
            .getMessage()
            .contains("bad magic"));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, Tensor.allocate(DType.FLOAT32, 100));
    byte[] full = out.toByteArray();
    Path trunc = tmp.resolve("trunc.npy");
    Files.write(trunc, java.util.Arrays.copyOf(full, full.length - 10));
    assertTrue(
        assertThrows(LedgeException.class, () -> Npy.read(trunc)).getMessage().contains("bytes"));

    // A header claiming 2^40 elements must fail before allocating.
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }";
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) dict.length(), 0});
    h.write(dict.getBytes());
    Path huge = tmp.resolve("huge.npy");
    Files.write(huge, h.toByteArray());
    assertThrows(LedgeException.class, () -> Npy.read(huge));
  }
}
