package dev.ledge.ops.image;

import java.io.ByteArrayOutputStream;

/**
 * Reads a JPEG's header segments before decoding, to accept only the kinds the JDK's decoder (IJG
 * libjpeg 6b) decodes exactly like libjpeg-turbo's defaults, which the specification names: 8-bit
 * baseline, extended or progressive Huffman coding; gray, or YCbCr/RGB identified by JFIF, Adobe or
 * component-id conventions, with integer chroma sampling ratios other than 1x2 (which libjpeg-turbo
 * interpolates and libjpeg 6b replicates). Also removes ICC profile segments, which the reference
 * decoder does not apply.
 */
final class JpegPreflight {
  private JpegPreflight() {}

  static boolean matches(byte[] d) {
    return d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF;
  }

  /**
   * The bytes to decode (the input without ICC profile segments), or null if the header is
   * malformed.
   */
  static byte[] prepare(byte[] d) throws UnsupportedImageException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(d.length);
    out.write(d, 0, 2);
    int pos = 2;
    boolean jfif = false;
    boolean adobe = false;
    int transform = -1;
    int sof = -1;
    int precision = 0;
    int width = 0;
    int height = 0;
    int[] ids = null;
    int[] h = null;
    int[] v = null;
    while (true) {
      if (pos >= d.length || (d[pos] & 0xFF) != 0xFF) {
        return null;
      }
      int start = pos;
      while (pos < d.length && (d[pos] & 0xFF) == 0xFF) {
        pos++;
      }
      if (pos >= d.length) {
        return null;
      }
      int marker = d[pos++] & 0xFF;
      if (marker == 0xDA) {
        out.write(d, start, d.length - start); // scan data and everything after, verbatim
        break;
      }
      if (marker == 0xD9 || marker == 0x00 || (marker >= 0xD0 && marker <= 0xD8) || marker == 1) {
        return null; // no standalone markers belong before the first scan
      }
      if (pos + 2 > d.length) {
        return null;
      }
      int len = ((d[pos] & 0xFF) << 8) | (d[pos + 1] & 0xFF);
      if (len < 2 || pos + len > d.length) {
        return null;
      }
      int p = pos + 2;
      int n = len - 2;
      boolean keep = true;
      if (marker == 0xE0 && startsWith(d, p, n, "JFIF\0")) {
        jfif = true;
      } else if (marker == 0xEE && startsWith(d, p, n, "Adobe")) {
        adobe = true;
        transform = n >= 12 ? d[p + 11] & 0xFF : -1;
      } else if (marker == 0xE2 && startsWith(d, p, n, "ICC_PROFILE\0")) {
        keep = false;
      } else if (marker >= 0xC0
          && marker <= 0xCF
          && marker != 0xC4
          && marker != 0xC8
          && marker != 0xCC) {
        if (sof >= 0 || n < 6) {
          return null;
        }
        sof = marker;
        precision = d[p] & 0xFF;
        height = ((d[p + 1] & 0xFF) << 8) | (d[p + 2] & 0xFF);
        width = ((d[p + 3] & 0xFF) << 8) | (d[p + 4] & 0xFF);
        int comps = d[p + 5] & 0xFF;
        if (n < 6 + 3 * comps) {
          return null;
        }
        ids = new int[comps];
        h = new int[comps];
        v = new int[comps];
        for (int c = 0; c < comps; c++) {
          ids[c] = d[p + 6 + 3 * c] & 0xFF;
          h[c] = (d[p + 7 + 3 * c] >> 4) & 0x0F;
          v[c] = d[p + 7 + 3 * c] & 0x0F;
          if (h[c] == 0 || v[c] == 0) {
            return null;
          }
        }
      }
      if (keep) {
        out.write(d, start, pos + len - start);
      }
      pos += len;
    }
    if (sof < 0) {
      return null;
    }
    if (sof != 0xC0 && sof != 0xC1 && sof != 0xC2) {
      throw new UnsupportedImageException(
          String.format(
              "JPEG process SOF%d (lossless, arithmetic or hierarchical coding) is not supported",
              sof - 0xC0));
    }
    if (precision != 8) {
      throw new UnsupportedImageException(precision + "-bit JPEG samples are not supported");
    }
    if (width == 0 || height == 0) {
      throw new UnsupportedImageException("JPEG height defined by a DNL marker is not supported");
    }
    if (ids.length == 1) {
      return out.toByteArray();
    }
    if (ids.length != 3) {
      throw new UnsupportedImageException(
          "JPEG with " + ids.length + " components (e.g. CMYK) is not supported");
    }
    int hmax = Math.max(h[0], Math.max(h[1], h[2]));
    int vmax = Math.max(v[0], Math.max(v[1], v[2]));
    if (h[0] != hmax || v[0] != vmax) {
      throw new UnsupportedImageException("JPEG whose first component is subsampled");
    }
    for (int c = 1; c < 3; c++) {
      // Integer ratios are replicated by both decoders, except that 2x1 and 2x2 are interpolated
      // by both and 1x2 by libjpeg-turbo only.
      boolean ok = hmax % h[c] == 0 && vmax % v[c] == 0 && !(hmax / h[c] == 1 && vmax / v[c] == 2);
      if (!ok) {
        throw new UnsupportedImageException(
            "JPEG chroma sampling factors "
                + h[c]
                + "x"
                + v[c]
                + " against "
                + hmax
                + "x"
                + vmax
                + ": decoders upsample it differently");
      }
    }
    // How libjpeg (both versions) picks the color space; combinations not checked against the
    // reference decoder are refused.
    boolean ycbcrIds = ids[0] == 1 && ids[1] == 2 && ids[2] == 3;
    boolean rgbIds = ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B';
    boolean known =
        (jfif && (!adobe || transform == 1))
            || (!jfif && adobe && transform == 1)
            || (!jfif && adobe && transform == 0 && rgbIds)
            || (!jfif && !adobe && ycbcrIds);
    if (!known) {
      throw new UnsupportedImageException(
          "3-component JPEG with "
              + (jfif ? "a JFIF marker" : "no JFIF marker")
              + (adobe ? ", Adobe transform " + transform : ", no Adobe marker")
              + " and component ids "
              + java.util.Arrays.toString(ids)
              + ": its color space is not decoded identically everywhere");
    }
    return out.toByteArray();
  }

  private static boolean startsWith(byte[] d, int p, int n, String s) {
    if (n < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (d[p + i] != (byte) s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
