package dev.ledge.ops.text;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * StringNormalizer (opset 10): drops the elements of a {@code [C]} or {@code [1, C]} string tensor
 * that equal a stop word (optionally ignoring case), then upper- or lower-cases the rest.
 *
 * <p>Follows the operator specification (and ONNX Runtime): whole elements are compared with the
 * stop words, and nothing else is changed. (The Python reference implementation also splits
 * elements at spaces and strips accents; the specification does neither.) Case mapping is Unicode
 * simple case mapping; the locale may be omitted or name an English, C or POSIX locale, whose case
 * rules are exactly that. Strings with a code point whose case mapping differs between the simple
 * and the full Unicode mapping (e.g. {@code ß}) are refused as unsupported rather than guessed.
 */
final class StringNormalizerOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.requireInputType(0, DType.STRING);
    String action = ctx.attrString("case_change_action", "NONE");
    CaseMapping.Direction change =
        switch (action) {
          case "NONE" -> null;
          case "UPPER" -> CaseMapping.Direction.UPPER;
          case "LOWER" -> CaseMapping.Direction.LOWER;
          default ->
              throw ctx.error(
                  "case_change_action is '" + action + "', expected one of NONE, UPPER, LOWER");
        };
    long sensitive = ctx.attrInt("is_case_sensitive", 0);
    if (sensitive != 0 && sensitive != 1) {
      throw ctx.error("is_case_sensitive is " + sensitive + ", expected 0 or 1");
    }
    String locale = ctx.attrString("locale", null);
    if (locale != null && !isSimpleCaseLocale(locale)) {
      throw ctx.unsupported(
          "locale '"
              + locale
              + "' is not supported: only English, C and POSIX locales (Unicode simple case"
              + " mapping) are implemented exactly");
    }
    List<String> stopwords = ctx.attrStrings("stopwords", List.of());
    // Case-insensitive matching compares both sides mapped in the direction ONNX Runtime uses.
    CaseMapping.Direction fold =
        change == CaseMapping.Direction.UPPER
            ? CaseMapping.Direction.UPPER
            : CaseMapping.Direction.LOWER;
    boolean ignoreCase = sensitive == 0 && !stopwords.isEmpty();
    Set<String> stops = new HashSet<>();
    for (String w : stopwords) {
      if (ignoreCase) {
        int bad = CaseMapping.firstAmbiguous(w, fold);
        if (bad >= 0) {
          throw ctx.unsupported("stop word '" + w + "' has " + describe(bad) + AMBIGUOUS);
        }
        stops.add(CaseMapping.apply(w, fold));
      } else {
        stops.add(w);
      }
    }

    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null) {
      if (in.rank() == 1) {
        out = Shape.unknownDims(1);
      } else if (in.rank() == 2) {
        Dim b = in.dim(0);
        if (b.isKnown() && b.value() != 1) {
          throw ctx.error("input shape is " + in + ", expected [C] or [1, C]");
        }
        out = new Shape(List.of(Dim.of(1), Dim.unknown()));
      } else {
        throw ctx.error("input has rank " + in.rank() + ", expected [C] or [1, C]");
      }
    }
    ctx.setOutput(0, DType.STRING, out);
    String where = ctx.node().describe();
    return exec -> run(exec, where, stops, ignoreCase ? fold : null, change);
  }

  private static final String AMBIGUOUS =
      ", whose case mapping differs between Unicode simple and full case mapping; the result"
          + " would depend on the implementation";

  private static void run(
      ExecContext ctx,
      String where,
      Set<String> stops,
      CaseMapping.Direction fold,
      CaseMapping.Direction change) {
    Tensor x = ctx.input(0);
    int[] shape = x.shape();
    if (shape.length != 1 && !(shape.length == 2 && shape[0] == 1)) {
      throw ctx.error(
          "input shape is " + java.util.Arrays.toString(shape) + ", expected [C] or [1, C]");
    }
    String[] data = x.strings();
    int off = x.offset();
    List<String> kept = new ArrayList<>(x.size());
    for (int i = 0; i < x.size(); i++) {
      String s = data[off + i];
      if (!stops.isEmpty()) {
        String key = s;
        if (fold != null) {
          checkUnambiguous(where, s, fold);
          key = CaseMapping.apply(s, fold);
        }
        if (stops.contains(key)) {
          continue;
        }
      }
      if (change != null) {
        checkUnambiguous(where, s, change);
        s = CaseMapping.apply(s, change);
      }
      kept.add(s);
    }
    if (kept.isEmpty()) {
      kept.add(""); // the specification's "empty value": one empty string
    }
    int[] outShape = shape.length == 1 ? new int[] {kept.size()} : new int[] {1, kept.size()};
    Tensor y = ctx.output(0, DType.STRING, outShape);
    String[] yd = y.strings();
    for (int i = 0; i < kept.size(); i++) {
      yd[y.offset() + i] = kept.get(i);
    }
  }

  private static void checkUnambiguous(String where, String s, CaseMapping.Direction dir) {
    int bad = CaseMapping.firstAmbiguous(s, dir);
    if (bad >= 0) {
      throw new UnsupportedOpException(where + ": input string has " + describe(bad) + AMBIGUOUS);
    }
  }

  private static String describe(int codePoint) {
    return String.format(
        Locale.ROOT, "U+%04X '%s'", codePoint, new String(Character.toChars(codePoint)));
  }

  /** Locales whose case rules are Unicode's simple mappings (no Turkish dotless i and the like). */
  static boolean isSimpleCaseLocale(String locale) {
    String l = locale.trim();
    int dot = l.indexOf('.');
    if (dot >= 0) {
      String enc = l.substring(dot + 1).toLowerCase(Locale.ROOT).replace("-", "");
      if (!enc.equals("utf8")) {
        return false;
      }
      l = l.substring(0, dot);
    }
    if (l.isEmpty() || l.equals("C") || l.equals("POSIX")) {
      return true;
    }
    return l.equals("en") || l.startsWith("en_") || l.startsWith("en-");
  }
}
