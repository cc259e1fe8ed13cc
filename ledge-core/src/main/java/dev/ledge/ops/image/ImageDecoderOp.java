package dev.ledge.ops.image;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * ImageDecoder (opset 20): decodes an encoded image (a 1-D uint8 tensor) into {@code [H, W, C]}
 * uint8 pixels, C = 3 for RGB or BGR and 1 for Grayscale. Gray sources are replicated into three
 * channels; color is turned to gray as {@code (19595 R + 38470 G + 7471 B + 32768) >> 16}, the
 * ITU-R 601-2 luma transform as Pillow (the reference) rounds it.
 *
 * <p>Decoded: PNG, BMP, TIFF and JPEG through {@code javax.imageio}, Netpbm by Ledge. Each is
 * limited to the variants whose pixels match the reference decoders exactly (see {@link
 * JpegPreflight}, {@link BmpChecks}, {@link TiffChecks}, {@link JdkImageReader}); other variants,
 * and the WebP and JPEG 2000 formats, fail as unsupported when the data arrives. Data in no known
 * format, or corrupt, gives an empty {@code [0, 0, C]} image, as the specification asks.
 */
final class ImageDecoderOp implements Operator {
  private enum PixelFormat {
    RGB,
    BGR,
    GRAYSCALE
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.requireInputType(0, DType.UINT8);
    Shape in = ctx.inputShape(0);
    if (in != null && in.rank() != 1) {
      throw ctx.error("input has rank " + in.rank() + ", expected a 1-D encoded stream");
    }
    String name = ctx.attrString("pixel_format", "RGB");
    PixelFormat format =
        switch (name) {
          case "RGB" -> PixelFormat.RGB;
          case "BGR" -> PixelFormat.BGR;
          case "Grayscale" -> PixelFormat.GRAYSCALE;
          default ->
              throw ctx.error(
                  "pixel_format is '" + name + "', expected \"RGB\", \"BGR\" or \"Grayscale\"");
        };
    int channels = format == PixelFormat.GRAYSCALE ? 1 : 3;
    ctx.setOutput(
        0, DType.UINT8, new Shape(List.of(Dim.unknown(), Dim.unknown(), Dim.of(channels))));
    String where = ctx.node().describe();
    return exec -> run(exec, where, format, channels);
  }

  private static void run(ExecContext ctx, String where, PixelFormat format, int channels) {
    Tensor x = ctx.input(0);
    if (x.rank() != 1) {
      throw ctx.error("input has rank " + x.rank() + ", expected a 1-D encoded stream");
    }
    byte[] data = new byte[x.size()];
    System.arraycopy(x.bytes(), x.offset(), data, 0, data.length);
    DecodedImage img;
    // The decoders hold about three copies of the pixels (their raster, ours, the output).
    long maxPixels = Math.min(Shapes.MAX_ELEMENTS / 3, Runtime.getRuntime().maxMemory() / 16);
    try {
      img = decode(data, maxPixels);
    } catch (ImageTooLargeException e) {
      throw ctx.error(e.getMessage() + "; raise -Xmx to decode it");
    } catch (UnsupportedImageException e) {
      throw new UnsupportedOpException(where + ": " + e.getMessage());
    }
    if (img == null) {
      ctx.output(0, DType.UINT8, new int[] {0, 0, channels});
      return;
    }
    int pixels = img.width() * img.height();
    Tensor y = ctx.output(0, DType.UINT8, new int[] {img.height(), img.width(), channels});
    byte[] out = y.bytes();
    int o = y.offset();
    byte[] s = img.samples();
    if (channels == 1) {
      if (img.channels() == 1) {
        System.arraycopy(s, 0, out, o, pixels);
      } else {
        for (int i = 0; i < pixels; i++) {
          int r = s[3 * i] & 0xFF;
          int g = s[3 * i + 1] & 0xFF;
          int b = s[3 * i + 2] & 0xFF;
          out[o + i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
        }
      }
      return;
    }
    boolean bgr = format == PixelFormat.BGR;
    for (int i = 0; i < pixels; i++) {
      byte r;
      byte g;
      byte b;
      if (img.channels() == 1) {
        r = g = b = s[i];
      } else {
        r = s[3 * i];
        g = s[3 * i + 1];
        b = s[3 * i + 2];
      }
      out[o + 3 * i] = bgr ? b : r;
      out[o + 3 * i + 1] = g;
      out[o + 3 * i + 2] = bgr ? r : b;
    }
  }

  /** Decodes by the data's signature; null for unknown or corrupt data. */
  static DecodedImage decode(byte[] d, long maxPixels) throws UnsupportedImageException {
    if (JpegPreflight.matches(d)) {
      byte[] clean = JpegPreflight.prepare(d);
      return clean == null ? null : JdkImageReader.decode(clean, "jpeg", maxPixels);
    }
    if (startsWith(d, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return pngTooSmall(d) ? null : JdkImageReader.decode(d, "png", maxPixels);
    }
    if (BmpChecks.matches(d)) {
      return BmpChecks.check(d) ? JdkImageReader.decode(d, "bmp", maxPixels) : null;
    }
    if (startsWith(d, 'I', 'I', 0x2A, 0x00) || startsWith(d, 'M', 'M', 0x00, 0x2A)) {
      return JdkImageReader.decode(d, "tiff", maxPixels);
    }
    if (PnmDecoder.matches(d)) {
      return PnmDecoder.decode(d, maxPixels);
    }
    if (startsWith(d, 'R', 'I', 'F', 'F')
        && d.length >= 12
        && d[8] == 'W'
        && d[9] == 'E'
        && d[10] == 'B'
        && d[11] == 'P') {
      throw new UnsupportedImageException("WebP images are not supported (no decoder in the JDK)");
    }
    if (startsWith(d, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)
        || startsWith(d, 0xFF, 0x4F, 0xFF, 0x51)) {
      throw new UnsupportedImageException(
          "JPEG 2000 images are not supported (no decoder in the JDK)");
    }
    return null;
  }

  /**
   * True if a PNG's data cannot hold the pixels its header declares: deflate expands at most 1032
   * times, so such a file is truncated or corrupt (and is rejected before a huge raster is
   * allocated for it).
   */
  static boolean pngTooSmall(byte[] d) {
    if (d.length < 26) {
      return true;
    }
    long w = be32(d, 16);
    long h = be32(d, 20);
    int depth = d[24] & 0xFF;
    int samples =
        switch (d[25]) {
          case 0, 3 -> 1;
          case 2 -> 3;
          case 4 -> 2;
          case 6 -> 4;
          default -> 1;
        };
    double pixelBytes = (double) w * h * samples * depth / 8;
    return pixelBytes > 1032.0 * d.length + 1024;
  }

  private static long be32(byte[] d, int p) {
    return ((long) (d[p] & 0xFF) << 24)
        | (d[p + 1] & 0xFF) << 16
        | (d[p + 2] & 0xFF) << 8
        | (d[p + 3] & 0xFF);
  }

  private static boolean startsWith(byte[] d, int... sig) {
    if (d.length < sig.length) {
      return false;
    }
    for (int i = 0; i < sig.length; i++) {
      if ((d[i] & 0xFF) != sig[i]) {
        return false;
      }
    }
    return true;
  }
}
