package dev.ledge.ops.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes with the JDK's {@code javax.imageio} readers and returns the stored samples as they are:
 * no color management (ICC profiles and gamma are ignored, as other decoders of the specification
 * do). Palette images are expanded to RGB. Images with alpha or with samples of other than 8 bits
 * are unsupported.
 */
final class JdkImageReader {
  private JdkImageReader() {}

  /** The decoded image, or null if the reader finds the data corrupt. */
  static DecodedImage decode(byte[] data, String format, long maxPixels)
      throws UnsupportedImageException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new UnsupportedImageException("this JDK has no " + format + " reader");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      long w = reader.getWidth(0);
      long h = reader.getHeight(0);
      if (w <= 0 || h <= 0) {
        return null;
      }
      if (w * h > maxPixels) {
        throw new ImageTooLargeException(w, h, maxPixels);
      }
      TiffChecks.check(reader, format);
      BufferedImage img = reader.read(0);
      return samples(img);
    } catch (IOException | RuntimeException e) {
      // javax.imageio reports corrupt data as IIOException and, for some malformed files, as
      // unchecked exceptions; the specification asks for an empty result either way.
      return null;
    } finally {
      reader.dispose();
    }
  }

  private static DecodedImage samples(BufferedImage img) throws UnsupportedImageException {
    ColorModel cm = img.getColorModel();
    Raster r = img.getRaster();
    int w = img.getWidth();
    int h = img.getHeight();
    if (cm.hasAlpha()) {
      throw new UnsupportedImageException(
          "images with an alpha channel or transparency are not supported (whether alpha is"
              + " dropped or composited is not specified)");
    }
    if (cm instanceof IndexColorModel icm) {
      if (icm.getPixelSize() > 8) {
        throw new UnsupportedImageException("palette images with more than 256 colors");
      }
      byte[] out = new byte[w * h * 3];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int idx = r.getSample(x, y, 0);
          int o = (y * w + x) * 3;
          out[o] = (byte) icm.getRed(idx);
          out[o + 1] = (byte) icm.getGreen(idx);
          out[o + 2] = (byte) icm.getBlue(idx);
        }
      }
      return new DecodedImage(w, h, 3, out);
    }
    boolean eightBit = true;
    for (int b = 0; b < r.getNumBands(); b++) {
      eightBit &= r.getSampleModel().getSampleSize(b) == 8;
    }
    if (cm instanceof DirectColorModel dcm) {
      eightBit =
          dcm.getRedMask() == 0xFF0000 && dcm.getGreenMask() == 0xFF00 && dcm.getBlueMask() == 0xFF;
    } else if (!(cm instanceof ComponentColorModel)) {
      throw new UnsupportedImageException("unsupported color model " + cm.getClass().getName());
    }
    if (!eightBit) {
      throw new UnsupportedImageException("only 8-bit samples are supported");
    }
    int type = cm.getColorSpace().getType();
    int bands = r.getNumBands();
    if (type == ColorSpace.TYPE_RGB && bands == 3) {
      byte[] out = new byte[w * h * 3];
      int[] row = new int[w * 3];
      for (int y = 0; y < h; y++) {
        r.getPixels(0, y, w, 1, row);
        for (int i = 0; i < row.length; i++) {
          out[y * w * 3 + i] = (byte) row[i];
        }
      }
      return new DecodedImage(w, h, 3, out);
    }
    if (type == ColorSpace.TYPE_GRAY && bands == 1) {
      byte[] out = new byte[w * h];
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        r.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          out[y * w + x] = (byte) row[x];
        }
      }
      return new DecodedImage(w, h, 1, out);
    }
    throw new UnsupportedImageException(
        "images with " + bands + " channels in color space type " + type + " are not supported");
  }
}
