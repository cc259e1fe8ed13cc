package dev.ledge.ops.image;

import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;

/**
 * Accepts only the TIFF variants whose samples all decoders store alike: uncompressed, LZW, Deflate
 * or PackBits data, photometric BlackIsZero, RGB or palette.
 */
final class TiffChecks {
  private static final int COMPRESSION = 259;
  private static final int PHOTOMETRIC = 262;

  private TiffChecks() {}

  static void check(ImageReader reader, String format)
      throws IOException, UnsupportedImageException {
    if (!format.equals("tiff")) {
      return;
    }
    IIOMetadata meta = reader.getImageMetadata(0);
    TIFFDirectory dir = TIFFDirectory.createFromMetadata(meta);
    TIFFField compression = dir.getTIFFField(COMPRESSION);
    int c = compression == null ? 1 : compression.getAsInt(0);
    if (c != 1 && c != 5 && c != 8 && c != 32946 && c != 32773) {
      throw new UnsupportedImageException("TIFF compression " + c + " is not supported");
    }
    TIFFField photometric = dir.getTIFFField(PHOTOMETRIC);
    int p = photometric == null ? -1 : photometric.getAsInt(0);
    if (p != 1 && p != 2) {
      throw new UnsupportedImageException(
          "TIFF photometric interpretation " + p + " is not supported");
    }
  }
}
