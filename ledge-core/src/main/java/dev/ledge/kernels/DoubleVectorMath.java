package dev.ledge.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise double-precision building blocks for the float32 kernels whose float forms would lose
 * more than a few ulps: erf/erfc (whose tail is e^(-x^2) times a slowly varying factor, where a
 * rounded x^2 costs its rounding error times x^2), the Gelu forms, and x sigmoid(alpha x) (where a
 * rounded alpha x costs |alpha x| ulps). Inputs are float32 lanes widened exactly; the errors here
 * are below 1e-10 relative, so the float result differs from the reference (computed in double too)
 * by at most one rounding. Like {@link FloatVectorMath}, only arithmetic, FMA and bit operations:
 * deterministic on every CPU and JIT tier.
 *
 * <p>Kept lean on purpose: every Vector API call costs C2 parse nodes, and a kernel that exceeds
 * C2's inlining budget boxes its vectors (ten times slower). Hence constant vectors for the
 * coefficients, one polynomial for erfc over the whole range, and an exp without gradual underflow
 * (its arguments here stay above -700).
 */
final class DoubleVectorMath {
  private DoubleVectorMath() {}

  /** The preferred double species. */
  static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  /** Float lanes matching D's lane count (half its width), for loads, stores and conversion. */
  static final VectorSpecies<Float> F =
      FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(D.vectorBitSize() / 2));

  private static DoubleVector c(double v) {
    return DoubleVector.broadcast(D, v);
  }

  private static final double LOG2E = 1.4426950408889634;
  private static final double LN2_HI = 6.93147180369123816490e-01;
  private static final double LN2_LO = 1.90821492927058770002e-10;
  private static final double ROUND = 0x1.8p52;
  private static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);

  // e^r = 1 + r + r^2 (E2 + r E3 + ... + r^7 E9): Taylor to degree 9, truncation 7e-12 for |r| <=
  // ln2/2.
  private static final DoubleVector E2 = c(1 / 2.0);
  private static final DoubleVector E3 = c(1 / 6.0);
  private static final DoubleVector E4 = c(1 / 24.0);
  private static final DoubleVector E5 = c(1 / 120.0);
  private static final DoubleVector E6 = c(1 / 720.0);
  private static final DoubleVector E7 = c(1 / 5040.0);
  private static final DoubleVector E8 = c(1 / 40320.0);
  private static final DoubleVector E9 = c(1 / 362880.0);

  /**
   * e^x to about 1e-11 relative for x clamped to [-700, 700], which keeps 2^n a normal double (one
   * scaling step); enough for float results of the callers (whose smallest factors are e^-193).
   */
  static DoubleVector exp(DoubleVector x) {
    DoubleVector xc = x.lanewise(VectorOperators.MAX, -700.0).lanewise(VectorOperators.MIN, 700.0);
    DoubleVector t = xc.fma(LOG2E, ROUND);
    DoubleVector n = t.sub(ROUND);
    DoubleVector r = n.fma(c(-LN2_HI), xc);
    r = n.fma(c(-LN2_LO), r);
    DoubleVector p = r.fma(E9, E8);
    p = p.fma(r, E7);
    p = p.fma(r, E6);
    p = p.fma(r, E5);
    p = p.fma(r, E4);
    p = p.fma(r, E3);
    p = p.fma(r, E2);
    p = r.mul(r).fma(p, r).add(1.0);
    LongVector k = t.reinterpretAsLongs().add(1023 - ROUND_BITS);
    return p.mul(k.lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
  }

  /** Centre of the variable of {@link #erfc}'s polynomial. */
  private static final double H_CENTRE = 0.5714285714285714;

  // h(t) = erfcx(2/t - 2) / t on t in [1/7, 1] as a degree-14 polynomial in t - 0.5714 (relative
  // error 7e-12), fitted by iteratively reweighted least squares on Chebyshev nodes.
  private static final DoubleVector H0 = c(0.5627744787915989);
  private static final DoubleVector H1 = c(0.7689778114965345);
  private static final DoubleVector H2 = c(0.5845750658439568);
  private static final DoubleVector H3 = c(0.09207339046631395);
  private static final DoubleVector H4 = c(-0.20101183685691032);
  private static final DoubleVector H5 = c(-0.0572695633192922);
  private static final DoubleVector H6 = c(0.11367667134471218);
  private static final DoubleVector H7 = c(0.006378715562343024);
  private static final DoubleVector H8 = c(-0.07621814176565973);
  private static final DoubleVector H9 = c(0.031505463535651375);
  private static final DoubleVector H10 = c(0.039411853688078514);
  private static final DoubleVector H11 = c(-0.04744364880576346);
  private static final DoubleVector H12 = c(-0.0029629320960015107);
  private static final DoubleVector H13 = c(0.030986143627858283);
  private static final DoubleVector H14 = c(-0.011010224176424511);

  /**
   * erfc(a) for a >= 0 (+inf gives 0): t e^(-a^2) h(t) with t = 2 / (2 + a), h(t) = erfcx(2/t - 2)
   * / t smooth on [1/7, 1] (a in [0, 12]; beyond, the factor e^(-a^2) makes every float result
   * underflow whatever the extrapolated h).
   */
  static DoubleVector erfc(DoubleVector a) {
    DoubleVector t = DoubleVector.broadcast(D, 2.0).div(a.add(2.0));
    DoubleVector u = t.sub(H_CENTRE);
    DoubleVector h = u.fma(H14, H13);
    h = h.fma(u, H12);
    h = h.fma(u, H11);
    h = h.fma(u, H10);
    h = h.fma(u, H9);
    h = h.fma(u, H8);
    h = h.fma(u, H7);
    h = h.fma(u, H6);
    h = h.fma(u, H5);
    h = h.fma(u, H4);
    h = h.fma(u, H3);
    h = h.fma(u, H2);
    h = h.fma(u, H1);
    h = h.fma(u, H0);
    return t.mul(h).mul(exp(a.mul(a).neg()));
  }

  /** Below this |x|, erf(x) = 2/sqrt(pi) x (1 - x^2/3 + x^4/10) (truncation 7e-15). */
  private static final double ERF_SERIES_LIMIT = 0x1p-7;

  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

  /** erf(x): the short series near 0 (where 1 - erfc cancels), else 1 - erfc(|x|), signed. */
  static DoubleVector erf(DoubleVector x) {
    DoubleVector a = x.abs();
    DoubleVector y = a.mul(a);
    DoubleVector small =
        y.fma(TWO_OVER_SQRT_PI / 10, -TWO_OVER_SQRT_PI / 3).fma(y, c(TWO_OVER_SQRT_PI)).mul(x);
    DoubleVector large = DoubleVector.broadcast(D, 1.0).sub(erfc(a));
    LongVector sign = x.reinterpretAsLongs().and(Long.MIN_VALUE);
    large = large.reinterpretAsLongs().or(sign).reinterpretAsDoubles(); // large >= 0
    return large.blend(small, a.compare(VectorOperators.LT, ERF_SERIES_LIMIT));
  }

  /**
   * 0.5 x (1 + erf(x / sqrt 2)) = x (1 - erfc(|z|)/2) for x >= 0 and 0.5 x erfc(|z|) below (z = x /
   * sqrt 2): no cancellation on either side. Gelu(-inf) = -inf * 0 = NaN, as the reference.
   */
  static DoubleVector gelu(DoubleVector x) {
    DoubleVector c = erfc(x.abs().mul(0.7071067811865476));
    DoubleVector pos = c.fma(-0.5, 1.0);
    DoubleVector neg = c.mul(0.5);
    return x.mul(neg.blend(pos, x.compare(VectorOperators.GE, 0.0)));
  }

  /** 1 / (1 + e^-v) as (v >= 0 ? 1 : e) / (1 + e) with e = e^-|v|, which never overflows. */
  private static DoubleVector sigmoid(DoubleVector v) {
    DoubleVector a = v.abs();
    // e^-inf = 0 exactly (exp clamps its argument), so that x sigmoid(v) at x = -inf is NaN.
    DoubleVector e =
        exp(a.neg()).blend(0.0, a.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY));
    DoubleVector num = e.blend(1.0, v.compare(VectorOperators.GE, 0.0));
    return num.div(e.add(1.0));
  }

  /** x sigmoid(alpha x). */
  static DoubleVector swish(DoubleVector x, double alpha) {
    return x.mul(sigmoid(x.mul(alpha)));
  }

  /** Gelu's tanh form 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3). */
  static DoubleVector geluTanh(DoubleVector x) {
    DoubleVector v = x.mul(x).fma(0.044715, 1.0).mul(x).mul(2 * 0.7978845608028654);
    return x.mul(sigmoid(v));
  }
}
