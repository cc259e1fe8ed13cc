package dev.ledge.kernels;

import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise double-precision building blocks for the float32 kernels whose float forms would lose
 * more than a few ulps: erf/erfc (whose tail is e^(-x^2) times a slowly varying factor, where a
 * rounded x^2 costs its rounding error times x^2) and the Gelu forms built on them. Inputs are
 * float32 lanes widened exactly; errors here are around 1e-11 relative, so the float result differs
 * from the reference (computed in double too) by at most one rounding. Like {@link
 * FloatVectorMath}, only arithmetic, FMA and bit operations: deterministic on every CPU and JIT
 * tier.
 */
final class DoubleVectorMath {
  private DoubleVectorMath() {}

  /** The preferred double species. */
  static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  /** Float lanes matching D's lane count (half its width), for loads, stores and conversion. */
  static final VectorSpecies<Float> F =
      FloatVector.SPECIES_PREFERRED.withShape(
          jdk.incubator.vector.VectorShape.forBitSize(D.vectorBitSize() / 2));

  private static final double LOG2E = 1.4426950408889634;
  private static final double LN2_HI = 6.93147180369123816490e-01;
  private static final double LN2_LO = 1.90821492927058770002e-10;
  private static final double ROUND = 0x1.8p52;
  private static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);

  /** Widens float lanes to double. */
  static DoubleVector widen(FloatVector x) {
    return (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
  }

  /** Rounds double lanes to float. */
  static FloatVector narrow(DoubleVector x) {
    return (FloatVector) x.convertShape(VectorOperators.D2F, F, 0);
  }

  private static DoubleVector pow2(LongVector k) {
    return k.add(1023).lanewise(LSHL, 52).reinterpretAsDoubles();
  }

  /**
   * e^x to about 1e-15 relative: x = n ln2 + r, Taylor series of e^r to degree 11 (truncation
   * 6e-15), 2^n applied in two exact halves (so gradual underflow and overflow are right).
   */
  static DoubleVector exp(DoubleVector x) {
    DoubleVector xc = x.blend(-746.0, x.compare(VectorOperators.LT, -746.0));
    xc = xc.blend(710.0, xc.compare(VectorOperators.GT, 710.0));
    DoubleVector t = fma(xc, LOG2E, ROUND);
    DoubleVector n = t.sub(ROUND);
    DoubleVector r = fma(n, -LN2_HI, xc);
    r = fma(n, -LN2_LO, r);
    DoubleVector p = fma(r, 1 / 39916800.0, 1 / 3628800.0);
    p = fma(p, r, 1 / 362880.0);
    p = fma(p, r, 1 / 40320.0);
    p = fma(p, r, 1 / 5040.0);
    p = fma(p, r, 1 / 720.0);
    p = fma(p, r, 1 / 120.0);
    p = fma(p, r, 1 / 24.0);
    p = fma(p, r, 1 / 6.0);
    p = fma(p, r, 0.5);
    p = r.mul(r).fma(p, r).add(1.0);
    LongVector k = t.reinterpretAsLongs().sub(ROUND_BITS);
    LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
    return p.mul(pow2(k1)).mul(pow2(k.sub(k1)));
  }

  /** Below this |x| erf uses its Taylor series, above it 1 - erfc. */
  static final double ERF_SERIES_LIMIT = 0.5;

  /**
   * erf(a) for |a| < 0.5: the Taylor series 2/sqrt(pi) sum (-1)^n a^(2n+1) / (n! (2n+1)) to n = 8
   * (truncation 5e-13).
   */
  static DoubleVector erfSeries(DoubleVector a) {
    DoubleVector y = a.mul(a);
    DoubleVector p = fma(y, 1.0 / (40320 * 17), -1.0 / (5040 * 15));
    p = fma(p, y, 1.0 / (720 * 13));
    p = fma(p, y, -1.0 / (120 * 11));
    p = fma(p, y, 1.0 / (24 * 9));
    p = fma(p, y, -1.0 / (6 * 7));
    p = fma(p, y, 1.0 / (2 * 5));
    p = fma(p, y, -1.0 / 3);
    p = fma(p, y, 1.0);
    return a.mul(p).mul(1.1283791670955126); // 2 / sqrt(pi)
  }

  /** Centre of the variable of {@link #erfcLarge}'s polynomial. */
  private static final double H_CENTRE = 0.4714285714285714;

  /**
   * erfc(a) for a >= 0.5 (any a >= 0, including +inf): t e^(-a^2) h(t) with t = 2 / (2 + a), where
   * h(t) = erfcx(2/t - 2) / t is smooth on t in [1/7, 0.8] (a up to 12, beyond which every float
   * result has underflowed) and fitted there by a degree-12 polynomial in t - 0.4714 (relative
   * error 8e-12).
   */
  static DoubleVector erfcLarge(DoubleVector a) {
    DoubleVector t = DoubleVector.broadcast(D, 2.0).div(a.add(2.0));
    DoubleVector u = t.sub(H_CENTRE);
    DoubleVector h = fma(u, -0.058662543486857247, 0.000776693705018278);
    h = fma(h, u, 0.08072425880018846);
    h = fma(h, u, -0.0331742789869179);
    h = fma(h, u, -0.079690247357049);
    h = fma(h, u, 0.07263006245528533);
    h = fma(h, u, 0.08626780815068182);
    h = fma(h, u, -0.11959625294834877);
    h = fma(h, u, -0.1561123675830292);
    h = fma(h, u, 0.1645448065363107);
    h = fma(h, u, 0.5456319837904522);
    h = fma(h, u, 0.6555936997620125);
    h = fma(h, u, 0.4916109586689386);
    return t.mul(h).mul(exp(a.mul(a).neg()));
  }

  /** erf(x), with erf(±inf) = ±1 and NaN kept. */
  static DoubleVector erf(DoubleVector x) {
    DoubleVector a = x.abs();
    DoubleVector small = erfSeries(a);
    DoubleVector large = erfcLarge(a).neg().add(1.0);
    DoubleVector r = large.blend(small, a.compare(VectorOperators.LT, ERF_SERIES_LIMIT));
    return copySign(r, x);
  }

  /** 0.5 x (1 + erf(x / sqrt 2)), without cancellation for negative x. */
  static DoubleVector gelu(DoubleVector x) {
    DoubleVector a = x.mul(0.7071067811865476).abs();
    DoubleVector e = erfSeries(a);
    DoubleVector c = erfcLarge(a);
    DoubleVector half = x.mul(0.5);
    var positive = x.compare(VectorOperators.GE, 0.0);
    var small = a.compare(VectorOperators.LT, ERF_SERIES_LIMIT);
    // x >= 0: 0.5 x (1 + erf) or x (1 - erfc / 2); x < 0: 0.5 x (1 - erf) or 0.5 x erfc.
    DoubleVector pos = x.mul(fma(c, -0.5, 1.0)).blend(half.mul(e.add(1.0)), small);
    DoubleVector neg = half.mul(c).blend(half.mul(e.neg().add(1.0)), small);
    return neg.blend(pos, positive);
  }

  /** x sigmoid(alpha x). */
  static DoubleVector swish(DoubleVector x, double alpha) {
    return x.mul(sigmoid(x.mul(alpha)));
  }

  /** 1 / (1 + e^-v), as (v >= 0 ? 1 : e) / (1 + e) with e = e^-|v|, which never overflows. */
  private static DoubleVector sigmoid(DoubleVector v) {
    DoubleVector e = exp(v.abs().neg());
    DoubleVector num = e.blend(1.0, v.compare(VectorOperators.GE, 0.0));
    return num.div(e.add(1.0));
  }

  /** Gelu's tanh form 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3). */
  static DoubleVector geluTanh(DoubleVector x) {
    DoubleVector v = x.mul(x).fma(0.044715, 1.0).mul(x).mul(2 * 0.7978845608028654);
    return x.mul(sigmoid(v));
  }

  private static DoubleVector fma(DoubleVector a, double b, double c) {
    return a.fma(b, c);
  }

  private static DoubleVector fma(DoubleVector a, DoubleVector b, double c) {
    return a.fma(b, DoubleVector.broadcast(D, c));
  }

  private static DoubleVector fma(DoubleVector a, double b, DoubleVector c) {
    return a.fma(DoubleVector.broadcast(D, b), c);
  }

  private static DoubleVector copySign(DoubleVector m, DoubleVector s) {
    LongVector sign = s.reinterpretAsLongs().and(Long.MIN_VALUE);
    return m.reinterpretAsLongs().and(Long.MAX_VALUE).or(sign).reinterpretAsDoubles();
  }
}
