package dev.ledge.ops.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeRunner;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  private static Tensor bytes(byte[] b) {
    return Tensor.wrap(DType.UINT8, b.clone(), 0, b.length);
  }

  private static Tensor decode(byte[] data, String format) {
    return NodeRunner.op("ImageDecoder")
        .opset(20)
        .attr("pixel_format", format)
        .input(bytes(data))
        .run1();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static long[] values(Tensor t) {
    return t.toLongArray();
  }

  @Test
  void netpbmFormsDecodeToRgbBgrAndGray() {
    byte[] p6 = ascii("P6\n# two pixels\n2 1\n255\n\u0001\u0002\u0003\u0064\u00c8\u00fa");
    Tensor rgb = decode(p6, "RGB");
    assertArrayEquals(new int[] {1, 2, 3}, rgb.shape());
    assertArrayEquals(new long[] {1, 2, 3, 100, 200, 250}, values(rgb));
    assertArrayEquals(new long[] {3, 2, 1, 250, 200, 100}, values(decode(p6, "BGR")));
    // (19595 R + 38470 G + 7471 B + 32768) >> 16
    assertArrayEquals(new long[] {2, 176}, values(decode(p6, "Grayscale")));
    byte[] p1 = ascii("P1 3 2\n1 0 1\n010");
    assertArrayEquals(new long[] {0, 255, 0, 255, 0, 255}, values(decode(p1, "Grayscale")));
    byte[] p2 = ascii("P2 2 1 255 7 9");
    assertArrayEquals(new long[] {7, 7, 7, 9, 9, 9}, values(decode(p2, "RGB")));
    byte[] p4 = {'P', '4', '\n', '9', ' ', '1', '\n', (byte) 0x80, (byte) 0x80};
    assertArrayEquals(
        new long[] {0, 255, 255, 255, 255, 255, 255, 255, 0}, values(decode(p4, "Grayscale")));
  }

  @Test
  void pngFromTheJdkRoundTrips() throws Exception {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
    img.setRGB(0, 0, 0x102030);
    img.setRGB(2, 1, 0xFFFEFD);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    Tensor y = decode(out.toByteArray(), "RGB");
    assertArrayEquals(new int[] {2, 3, 3}, y.shape());
    long[] v = values(y);
    assertArrayEquals(new long[] {0x10, 0x20, 0x30}, java.util.Arrays.copyOfRange(v, 0, 3));
    assertArrayEquals(new long[] {0xFF, 0xFE, 0xFD}, java.util.Arrays.copyOfRange(v, 15, 18));
    BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSample(0, 0, 0, 17);
    gray.getRaster().setSample(1, 0, 0, 200);
    out.reset();
    ImageIO.write(gray, "png", out);
    // Raw samples, replicated: no gray-to-sRGB gamma conversion.
    assertArrayEquals(
        new long[] {17, 17, 17, 200, 200, 200}, values(decode(out.toByteArray(), "RGB")));
  }

  @Test
  void unknownOrCorruptDataGivesAnEmptyImage() {
    assertArrayEquals(new int[] {0, 0, 3}, decode(ascii("hello"), "RGB").shape());
    assertArrayEquals(new int[] {0, 0, 1}, decode(ascii("P6 4 4 255 abc"), "Grayscale").shape());
    byte[] badPng = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0};
    assertArrayEquals(new int[] {0, 0, 3}, decode(badPng, "RGB").shape());
    // A PNG header declaring 100000 x 100000 RGB pixels in a few bytes: corrupt, not allocated.
    byte[] huge = {
      (byte) 0x89,
      'P',
      'N',
      'G',
      0x0D,
      0x0A,
      0x1A,
      0x0A,
      0,
      0,
      0,
      13,
      'I',
      'H',
      'D',
      'R',
      0,
      1,
      (byte) 0x86,
      (byte) 0xA0,
      0,
      1,
      (byte) 0x86,
      (byte) 0xA0,
      8,
      2,
      0,
      0,
      0
    };
    assertTrue(ImageDecoderOp.pngTooSmall(huge));
    assertArrayEquals(new int[] {0, 0, 3}, decode(huge, "RGB").shape());
    byte[] badJpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 2, 1};
    assertArrayEquals(new int[] {0, 0, 3}, decode(badJpeg, "RGB").shape());
  }

  @Test
  void formatsAndVariantsWithoutAnExactDecoderAreUnsupported() {
    byte[] webp = ascii("RIFF\0\0\0\0WEBPVP8 ");
    assertThrows(UnsupportedOpException.class, () -> decode(webp, "RGB"));
    byte[] jp2 = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, (byte) 0x87, 0x0A};
    assertThrows(UnsupportedOpException.class, () -> decode(jp2, "RGB"));
    assertThrows(UnsupportedOpException.class, () -> decode(ascii("P5 1 1 65535 ab"), "RGB"));
    // Arithmetic-coded JPEG (SOF9).
    byte[] arith = {
      (byte) 0xFF,
      (byte) 0xD8,
      (byte) 0xFF,
      (byte) 0xC9,
      0,
      11,
      8,
      0,
      1,
      0,
      1,
      1,
      1,
      0x11,
      0,
      (byte) 0xFF,
      (byte) 0xDA
    };
    assertThrows(UnsupportedOpException.class, () -> decode(arith, "RGB"));
    // 4:4:0 chroma (1x2) is interpolated by libjpeg-turbo only.
    byte[] h1v2 = {
      (byte) 0xFF,
      (byte) 0xD8,
      (byte) 0xFF,
      (byte) 0xE0,
      0,
      7,
      'J',
      'F',
      'I',
      'F',
      0,
      (byte) 0xFF,
      (byte) 0xC0,
      0,
      17,
      8,
      0,
      2,
      0,
      2,
      3,
      1,
      0x12,
      0,
      2,
      0x11,
      1,
      3,
      0x11,
      1,
      (byte) 0xFF,
      (byte) 0xDA
    };
    assertThrows(UnsupportedOpException.class, () -> decode(h1v2, "RGB"));
  }

  @Test
  void badModelsAreErrors() {
    LedgeException e = assertThrows(LedgeException.class, () -> decode(ascii("P1 1 1 1"), "HSV"));
    assertTrue(e.getMessage().contains("pixel_format is 'HSV'"), e::getMessage);
    LedgeException rank =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("ImageDecoder")
                    .opset(20)
                    .input(Tensor.wrap(DType.UINT8, new byte[4], 0, 2, 2))
                    .run1());
    assertTrue(rank.getMessage().contains("1-D"), rank::getMessage);
  }
}
