package dev.ledge.ops.image;

/**
 * Netpbm images: P1/P4 (bitmaps: 1 is black), P2/P5 (gray) and P3/P6 (RGB), with a maximum value of
 * 255 for the gray and color forms. Other maximum values are unsupported (their scaling to 8 bits
 * differs between decoders).
 */
final class PnmDecoder {
  private final byte[] b;
  private int pos;

  private PnmDecoder(byte[] data) {
    this.b = data;
  }

  /** True if the data starts like a Netpbm image (P1 to P6 and whitespace). */
  static boolean matches(byte[] d) {
    return d.length >= 3 && d[0] == 'P' && d[1] >= '1' && d[1] <= '6' && isSpace(d[2]);
  }

  /** The decoded image, or null if the data is truncated or malformed. */
  static DecodedImage decode(byte[] data, long maxPixels) throws UnsupportedImageException {
    return new PnmDecoder(data).run(maxPixels);
  }

  private DecodedImage run(long maxPixels) throws UnsupportedImageException {
    int kind = b[1] - '0';
    pos = 2;
    long w = header();
    long h = header();
    if (w <= 0 || h <= 0) {
      return null;
    }
    if (w * h > maxPixels) {
      throw new ImageTooLargeException(w, h, maxPixels);
    }
    boolean bitmap = kind == 1 || kind == 4;
    long max = bitmap ? 1 : header();
    if (max < 0) {
      return null;
    }
    if (!bitmap && max != 255) {
      throw new UnsupportedImageException(
          "Netpbm maximum value " + max + ": only 255 (8-bit samples) is supported");
    }
    int width = (int) w;
    int height = (int) h;
    int channels = kind == 3 || kind == 6 ? 3 : 1;
    byte[] out = new byte[width * height * channels];
    if (kind >= 4) {
      if (pos >= b.length || !isSpace(b[pos])) {
        return null;
      }
      pos++; // exactly one whitespace byte before the raster
      if (kind == 4) {
        int rowBytes = (width + 7) / 8;
        if ((long) rowBytes * height > b.length - pos) {
          return null;
        }
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            int bit = (b[pos + y * rowBytes + x / 8] >> (7 - x % 8)) & 1;
            out[y * width + x] = (byte) (bit == 1 ? 0 : 255);
          }
        }
      } else {
        if (out.length > b.length - pos) {
          return null;
        }
        System.arraycopy(b, pos, out, 0, out.length);
      }
    } else {
      for (int i = 0; i < out.length; i++) {
        long v = kind == 1 ? bit() : header();
        if (v < 0 || v > max) {
          return null;
        }
        out[i] = (byte) (kind == 1 ? (v == 1 ? 0 : 255) : v);
      }
    }
    return new DecodedImage(width, height, channels, out);
  }

  /** The next decimal number after whitespace and comments, or -1. */
  private long header() {
    skipSpaceAndComments();
    long v = 0;
    int digits = 0;
    while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
      v = v * 10 + (b[pos] - '0');
      pos++;
      if (++digits > 9) {
        return -1;
      }
    }
    return digits == 0 ? -1 : v;
  }

  /** A single 0 or 1 of a P1 raster (digits need not be separated), or -1. */
  private long bit() {
    skipSpaceAndComments();
    if (pos < b.length && (b[pos] == '0' || b[pos] == '1')) {
      return b[pos++] - '0';
    }
    return -1;
  }

  private void skipSpaceAndComments() {
    while (pos < b.length) {
      if (isSpace(b[pos])) {
        pos++;
      } else if (b[pos] == '#') {
        while (pos < b.length && b[pos] != '\n' && b[pos] != '\r') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C;
  }
}
