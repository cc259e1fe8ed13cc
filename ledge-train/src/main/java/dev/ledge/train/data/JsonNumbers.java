package dev.ledge.train.data;

import dev.ledge.data.DataException;
import java.nio.charset.StandardCharsets;

/** Reads the number array of a JSON object {@code {"data": [n, n, ...]}} without a JSON library. */
final class JsonNumbers {
  private JsonNumbers() {}

  static float[] dataArray(byte[] json, String what) {
    String s = new String(json, StandardCharsets.US_ASCII);
    int key = s.indexOf("\"data\"");
    int open = key < 0 ? -1 : s.indexOf('[', key);
    int close = open < 0 ? -1 : s.indexOf(']', open);
    if (close < 0) {
      throw new DataException(what + ": expected a JSON object {\"data\": [numbers]}");
    }
    int count = 0;
    boolean any = false;
    for (int i = open + 1; i < close; i++) {
      char c = s.charAt(i);
      if (c == ',') {
        count++;
      } else if (!Character.isWhitespace(c)) {
        any = true;
      }
    }
    float[] out = new float[any ? count + 1 : 0];
    int at = 0;
    int start = open + 1;
    for (int i = open + 1; i <= close && any; i++) {
      char c = s.charAt(i);
      if (c == ',' || i == close) {
        String tok = s.substring(start, i).strip();
        try {
          out[at++] = Float.parseFloat(tok);
        } catch (NumberFormatException e) {
          throw new DataException(
              what + ": '" + tok + "' is not a number (element " + (at - 1) + ")");
        }
        start = i + 1;
      }
    }
    return out;
  }
}
