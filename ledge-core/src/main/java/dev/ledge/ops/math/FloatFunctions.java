package dev.ledge.ops.math;

/**
 * Double-precision functions that {@link Math} lacks (erf, erfc, the inverse hyperbolic functions)
 * and numerically stable forms of the activation building blocks. All are accurate to a few ulps of
 * a double, far below what a float32 or float16 result can show.
 */
final class FloatFunctions {
  private FloatFunctions() {}

  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
  private static final double LN2 = Math.log(2);

  /** Below this the series for erf is used, above it the continued fraction for erfc. */
  private static final double SERIES_LIMIT = 2.5;

  /** The error function. */
  static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double a = Math.abs(x);
    double r = a < SERIES_LIMIT ? erfSeries(a) : 1 - erfcFraction(a);
    return Math.copySign(r, x);
  }

  /** The complementary error function 1 - erf(x), without cancellation for large x. */
  static double erfc(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    if (x >= SERIES_LIMIT) {
      return erfcFraction(x);
    }
    if (x <= -SERIES_LIMIT) {
      return 2 - erfcFraction(-x);
    }
    return 1 - Math.copySign(erfSeries(Math.abs(x)), x);
  }

  /**
   * erf(a) for 0 <= a < 2.5 from the series 2/sqrt(pi) exp(-a^2) sum (2a^2)^n a / (2n+1)!!, whose
   * terms are all positive (no cancellation, unlike the alternating Taylor series).
   */
  private static double erfSeries(double a) {
    double twoA2 = 2 * a * a;
    double term = a;
    double sum = a;
    for (int n = 1; n < 200; n++) {
      term *= twoA2 / (2 * n + 1);
      sum += term;
      if (term <= sum * 1e-17) {
        break;
      }
    }
    return TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
  }

  /**
   * erfc(a) for a >= 2.5 from the continued fraction exp(-a^2)/sqrt(pi) / (a + (1/2)/(a + 1/(a +
   * (3/2)/(a + ...)))), evaluated with the modified Lentz method.
   */
  private static double erfcFraction(double a) {
    if (a > 27) {
      return 0; // exp(-a^2) underflows a double
    }
    double tiny = 1e-300;
    double f = a;
    double c = a;
    double d = 0;
    for (int n = 1; n < 500; n++) {
      double an = n * 0.5;
      d = a + an * d;
      if (d == 0) {
        d = tiny;
      }
      c = a + an / c;
      if (c == 0) {
        c = tiny;
      }
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return ONE_OVER_SQRT_PI * Math.exp(-a * a) / f;
  }

  /** Inverse hyperbolic sine, accurate near 0 and free of overflow for large |x|. */
  static double asinh(double x) {
    double a = Math.abs(x);
    double r;
    if (a > 1e8) {
      r = Math.log(a) + LN2;
    } else {
      // log(a + sqrt(a^2 + 1)) rewritten for log1p: a + a^2 / (1 + sqrt(1 + a^2)).
      r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
    }
    return Math.copySign(r, x);
  }

  /** Inverse hyperbolic cosine: NaN below 1. */
  static double acosh(double x) {
    if (!(x >= 1)) {
      return Double.NaN;
    }
    if (x > 1e8) {
      return Math.log(x) + LN2;
    }
    double t = x - 1; // exact for x near 1, where the plain formula loses digits
    return Math.log1p(t + Math.sqrt(2 * t + t * t));
  }

  /** Inverse hyperbolic tangent: ±infinity at ±1, NaN beyond. */
  static double atanh(double x) {
    double a = Math.abs(x);
    if (a > 1 || Double.isNaN(x)) {
      return Double.NaN;
    }
    return Math.copySign(0.5 * Math.log1p(2 * a / (1 - a)), x);
  }

  /** The logistic function, without overflow for large |x|. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** log(1 + exp(x)), without overflow for large x. */
  static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
}
