package dev.ledge.ops.tensor;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Text forms of numbers for Cast to and from string.
 *
 * <p>Formatting: ONNX asks for a "plain floating-point representation". Ledge writes what the ONNX
 * reference implementation (numpy) writes: the shortest decimal that reads back as the same value
 * of the source type (closest to it among equally short ones), positional for magnitudes in [1e-4,
 * 1e16) ({@code "314.15926"}, {@code "1.0"}) and scientific otherwise ({@code "1e-05"}, {@code
 * "1.5e+16"}); {@code "nan"}, {@code "inf"}, {@code "-inf"}; integers in decimal; booleans as
 * {@code "True"}/{@code "False"}.
 *
 * <p>Parsing: plain and scientific decimals, and the literals {@code INF}, {@code +INF}, {@code
 * -INF}, {@code NaN} in any letter case, as the Cast operator specifies. Anything else is an error.
 */
final class NumberText {
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  private NumberText() {}

  // ---- formatting ---------------------------------------------------------------------------

  /**
   * The text of a value of float type {@code t} ({@code v} must be exactly a value of {@code t}).
   */
  static String formatFloat(DType t, double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    boolean negative = (Double.doubleToRawLongBits(v) & Long.MIN_VALUE) != 0;
    if (v == 0) {
      return negative ? "-0.0" : "0.0";
    }
    double a = Math.abs(v);
    BigDecimal digits = shortest(t, a);
    String body = a >= 1e-4 && a < 1e16 ? positional(digits) : scientific(digits);
    return negative ? "-" + body : body;
  }

  /** The shortest decimal that reads back as {@code a} in type {@code t}, closest among ties. */
  private static BigDecimal shortest(DType t, double a) {
    BigDecimal exact = new BigDecimal(a);
    for (int p = 1; p <= 17; p++) {
      BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (readsBack(t, nearest, a)) {
        return nearest;
      }
      BigDecimal down = exact.round(new MathContext(p, RoundingMode.DOWN));
      BigDecimal other =
          down.compareTo(nearest) == 0 ? exact.round(new MathContext(p, RoundingMode.UP)) : down;
      if (readsBack(t, other, a)) {
        return other;
      }
    }
    return exact; // unreachable: 17 digits identify every double
  }

  private static boolean readsBack(DType t, BigDecimal candidate, double a) {
    String s = candidate.toString();
    return switch (t) {
      case FLOAT64 -> Double.parseDouble(s) == a;
      case FLOAT32 -> Float.parseFloat(s) == (float) a;
      default -> {
        int bits = ExactRounding.smallFromDouble(t, Double.parseDouble(s), true, "nearest");
        yield FloatFormats.toFloat(t, bits) == a;
      }
    };
  }

  private static String positional(BigDecimal d) {
    String s = d.stripTrailingZeros().toPlainString();
    return s.indexOf('.') < 0 ? s + ".0" : s;
  }

  private static String scientific(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    String digits = s.unscaledValue().toString();
    int exponent = digits.length() - 1 - s.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String e = Integer.toString(Math.abs(exponent));
    return mantissa + (exponent < 0 ? "e-" : "e+") + (e.length() < 2 ? "0" + e : e);
  }

  /** The text of element {@code i} of an integer or bool tensor value {@code v}. */
  static String formatInteger(DType t, long v) {
    if (t == DType.BOOL) {
      return v != 0 ? "True" : "False";
    }
    return t == DType.UINT64 ? Long.toUnsignedString(v) : Long.toString(v);
  }

  // ---- parsing ------------------------------------------------------------------------------

  /** Parses a number (see the class comment); an error for anything else. */
  static double parseDouble(String text) {
    String s = text.strip();
    switch (s.toUpperCase(Locale.ROOT)) {
      case "INF", "+INF" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-INF" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "NAN" -> {
        return Double.NaN;
      }
      default -> {}
    }
    if (!DECIMAL.matcher(s).matches()) {
      throw new LedgeException("cannot cast string \"" + text + "\" to a number");
    }
    return Double.parseDouble(s);
  }

  /**
   * Parses an integer for integer type {@code t}: integer syntax exactly; a decimal such as "100.5"
   * is truncated toward zero (the Cast spec's example). Values outside the type's range are errors.
   */
  static long parseInteger(String text, DType t) {
    String s = text.strip();
    BigInteger v;
    if (INTEGER.matcher(s).matches()) {
      v = new BigInteger(s);
    } else {
      double d = parseDouble(s);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new LedgeException("cannot cast string \"" + text + "\" to " + t);
      }
      v = new BigDecimal(d).toBigInteger();
    }
    int bits = t.bits();
    BigInteger min;
    BigInteger max;
    if (t.kind() == DType.Kind.UNSIGNED) {
      min = BigInteger.ZERO;
      max = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    } else {
      min = BigInteger.ONE.shiftLeft(bits - 1).negate();
      max = BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
    }
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw new LedgeException(
          "cannot cast string \"" + text + "\" to " + t + ": out of range " + min + ".." + max);
    }
    return v.longValue();
  }

  /** Parses a boolean: "true"/"false" in any case, else a number (non-zero is true). */
  static boolean parseBoolean(String text) {
    String s = text.strip();
    if (s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    return parseDouble(s) != 0;
  }
}
