package dev.ledge.ops.image;

/**
 * Accepts only uncompressed BMPs with Windows headers and 1, 4, 8 (palette), 24 or 32 bits per
 * pixel, which the JDK and the reference decode alike; OS/2 headers, run-length coding, bit fields
 * and 16-bit pixels are unsupported (alpha is refused after decoding).
 */
final class BmpChecks {
  private BmpChecks() {}

  static boolean matches(byte[] d) {
    return d.length >= 2 && d[0] == 'B' && d[1] == 'M';
  }

  /** Returns false if the header is too short to be a BMP. */
  static boolean check(byte[] d) throws UnsupportedImageException {
    if (d.length < 30) {
      return false;
    }
    int headerSize = le32(d, 14);
    if (headerSize == 12) {
      throw new UnsupportedImageException("OS/2 BMP headers are not supported");
    }
    if (headerSize < 40 || d.length < 34) {
      return false;
    }
    int bits = le16(d, 28);
    int compression = le32(d, 30);
    if (compression != 0) {
      throw new UnsupportedImageException("BMP compression " + compression + " is not supported");
    }
    checkBits(bits);
    return true;
  }

  private static void checkBits(int bits) throws UnsupportedImageException {
    if (bits != 1 && bits != 4 && bits != 8 && bits != 24 && bits != 32) {
      throw new UnsupportedImageException(bits + "-bit BMP pixels are not supported");
    }
  }

  private static int le16(byte[] d, int p) {
    return (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8;
  }

  private static int le32(byte[] d, int p) {
    return le16(d, p) | le16(d, p + 2) << 16;
  }
}
