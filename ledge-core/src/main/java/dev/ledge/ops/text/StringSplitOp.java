package dev.ledge.ops.text;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * StringSplit (opset 20): splits every string at a delimiter (or, when the delimiter is unset or
 * empty, at runs of whitespace, ignoring leading and trailing whitespace), at most {@code maxsplit}
 * times. Output 0 holds the substrings, padded with empty strings to the longest split; output 1
 * the number of substrings of each element.
 *
 * <p>Whitespace is what Python's {@code str.split()} (the reference) treats as whitespace: ASCII
 * {@code \t \n \v \f \r}, space, {@code \x1c-\x1f}, and the Unicode spaces and line separators.
 */
final class StringSplitOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.requireInputType(0, DType.STRING);
    String delimiter = ctx.attrString("delimiter", "");
    long maxsplit = ctx.attrInt("maxsplit", Long.MAX_VALUE);
    if (maxsplit < 0) {
      throw ctx.unsupported(
          "maxsplit is " + maxsplit + ": the specification does not define negative values");
    }
    Shape in = ctx.inputShape(0);
    Shape out0 = null;
    if (in != null) {
      List<Dim> d = new ArrayList<>(in.dims());
      d.add(Dim.unknown());
      out0 = new Shape(d);
    }
    ctx.setOutput(0, DType.STRING, out0);
    ctx.setOutput(1, DType.INT64, in);
    boolean whitespace = delimiter.isEmpty();
    return exec -> {
      Tensor x = exec.input(0);
      int n = x.size();
      String[] xs = x.strings();
      List<List<String>> parts = new ArrayList<>(n);
      int widest = 0;
      for (int i = 0; i < n; i++) {
        List<String> p =
            whitespace
                ? splitWhitespace(xs[x.offset() + i], maxsplit)
                : split(xs[x.offset() + i], delimiter, maxsplit);
        parts.add(p);
        widest = Math.max(widest, p.size());
      }
      int[] shape = x.shape();
      int[] yShape = java.util.Arrays.copyOf(shape, shape.length + 1);
      yShape[shape.length] = widest;
      Shapes.size(yShape);
      Tensor y = exec.output(0, DType.STRING, yShape);
      String[] ys = y.strings();
      int yo = y.offset();
      for (int i = 0; i < n; i++) {
        List<String> p = parts.get(i);
        for (int j = 0; j < widest; j++) {
          ys[yo + i * widest + j] = j < p.size() ? p.get(j) : "";
        }
      }
      if (exec.hasOutput(1)) {
        Tensor z = exec.output(1, DType.INT64, shape);
        long[] zs = z.longs();
        for (int i = 0; i < n; i++) {
          zs[z.offset() + i] = parts.get(i).size();
        }
      }
    };
  }

  /** Python's {@code s.split(delimiter, maxsplit)} for a non-empty delimiter. */
  static List<String> split(String s, String delimiter, long maxsplit) {
    List<String> r = new ArrayList<>();
    int start = 0;
    long splits = 0;
    while (splits < maxsplit) {
      int at = s.indexOf(delimiter, start);
      if (at < 0) {
        break;
      }
      r.add(s.substring(start, at));
      start = at + delimiter.length();
      splits++;
    }
    r.add(s.substring(start));
    return r;
  }

  /** Python's {@code s.split(None, maxsplit)}: runs of whitespace separate, ends are trimmed. */
  static List<String> splitWhitespace(String s, long maxsplit) {
    List<String> r = new ArrayList<>();
    int n = s.length();
    int i = 0;
    long splits = 0;
    while (true) {
      while (i < n && isSpace(s.charAt(i))) {
        i++;
      }
      if (i == n) {
        break;
      }
      if (splits == maxsplit) {
        r.add(s.substring(i)); // the unsplit rest keeps its trailing whitespace
        break;
      }
      int j = i;
      while (j < n && !isSpace(s.charAt(j))) {
        j++;
      }
      r.add(s.substring(i, j));
      splits++;
      i = j;
    }
    return r;
  }

  /** Python's whitespace (all such characters are in the BMP, so one char is one code point). */
  static boolean isSpace(char c) {
    return (c >= 0x09 && c <= 0x0D)
        || (c >= 0x1C && c <= 0x20)
        || c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }
}
