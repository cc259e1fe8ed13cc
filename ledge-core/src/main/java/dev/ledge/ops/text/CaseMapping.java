package dev.ledge.ops.text;

/**
 * Upper- and lower-casing that is the same under every reasonable reading of "change the case in an
 * en_US-like locale": per code point, Unicode simple case mapping (what C's {@code towupper} and
 * ONNX Runtime do), restricted to code points whose full mapping (what Python's {@code str.upper}
 * does, e.g. {@code ß -> SS}) is the same single code point. Strings with any other code point are
 * reported by {@link #firstAmbiguous}, so callers can refuse them instead of guessing.
 */
final class CaseMapping {
  private CaseMapping() {}

  /** Case change direction. */
  enum Direction {
    UPPER,
    LOWER
  }

  /**
   * The first code point of {@code s} whose case mapping in {@code dir} differs between the simple
   * (per code point) and the full (context- and length-changing) Unicode mappings, or -1.
   */
  static int firstAmbiguous(String s, Direction dir) {
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c < 0x80) {
        continue;
      }
      if (c == 0x03A3 && dir == Direction.LOWER) {
        return c; // capital sigma lowercases to final sigma in some contexts (full mapping only)
      }
      String one = Character.toString(c);
      String full =
          dir == Direction.UPPER
              ? one.toUpperCase(java.util.Locale.ROOT)
              : one.toLowerCase(java.util.Locale.ROOT);
      int simple = dir == Direction.UPPER ? Character.toUpperCase(c) : Character.toLowerCase(c);
      if (full.codePointCount(0, full.length()) != 1 || full.codePointAt(0) != simple) {
        return c;
      }
    }
    return -1;
  }

  /** Maps every code point of {@code s} (callers check {@link #firstAmbiguous} first). */
  static String apply(String s, Direction dir) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      int m = dir == Direction.UPPER ? Character.toUpperCase(c) : Character.toLowerCase(c);
      if (m != c && sb == null) {
        sb = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (sb != null) {
        sb.appendCodePoint(m);
      }
      i += Character.charCount(c);
    }
    return sb == null ? s : sb.toString();
  }
}
