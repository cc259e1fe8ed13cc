package dev.ledge.kernels;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise float32 transcendental functions on {@link FloatVector}s, built only from IEEE
 * arithmetic, FMA and bit operations: range reduction plus a short polynomial. They are
 * deterministic (the same bits in the interpreter, C1 and C2, on every CPU), unlike {@code
 * VectorOperators.EXP}/{@code TANH}/..., whose results change when C2 switches from the per-lane
 * {@link Math} fallback to a native vector library, and which fall back to scalar {@link Math}
 * calls per lane on CPUs without one. Error bounds, against the correctly rounded float of the
 * exact value, are stated per function; SimdKernelsTest checks them against the reference kernels.
 *
 * <p>Overflow, underflow (with gradual subnormal results), infinities and NaN follow {@link Math}.
 */
final class FloatVectorMath {
  private FloatVectorMath() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** ln 2 split so that n * LN2_HI is exact for |n| < 2^12. */
  private static final float LN2_HI = 0.693359375f;

  private static final float LN2_LO = -2.12194440e-4f;

  // Constants used as fma operands are held as vectors rather than scalars broadcast at each use:
  // fewer C2 nodes per operation, which keeps the kernels within C2's inlining budget.
  private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
  private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
  private static final FloatVector LN2_HI_V = FloatVector.broadcast(S, LN2_HI);
  private static final FloatVector E2 = FloatVector.broadcast(S, 1 / 2f);
  private static final FloatVector E3 = FloatVector.broadcast(S, 1 / 6f);
  private static final FloatVector E4 = FloatVector.broadcast(S, 1 / 24f);
  private static final FloatVector E5 = FloatVector.broadcast(S, 1 / 120f);
  private static final FloatVector E6 = FloatVector.broadcast(S, 1 / 720f);
  private static final FloatVector E7 = FloatVector.broadcast(S, 1 / 5040f);
  private static final FloatVector L3 = FloatVector.broadcast(S, 2 / 3f);
  private static final FloatVector L5 = FloatVector.broadcast(S, 2 / 5f);
  private static final FloatVector L7 = FloatVector.broadcast(S, 2 / 7f);
  private static final FloatVector L9 = FloatVector.broadcast(S, 2 / 9f);
  private static final FloatVector L11 = FloatVector.broadcast(S, 2 / 11f);
  private static final FloatVector L13 = FloatVector.broadcast(S, 2 / 13f);

  private static final float LOG2E = 1.44269504088896341f;

  /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer. */
  private static final float ROUND = 0x1.8p23f;

  private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

  /** Above this exp overflows even for the smallest reduced argument. */
  private static final float EXP_HIGH = 88.8f;

  /** Below this exp rounds to +0 (exp(-104) < 2^-150, half the least subnormal). */
  private static final float EXP_LOW = -104f;

  private static final float SQRT2 = 1.41421356f;

  /**
   * expm1(r) for |r| <= ln2/2 + 2^-10: r + r^2 (1/2 + r/6 + ... + r^5/5040), the Taylor series to
   * degree 7, whose truncation error (5e-9 relative) is a tenth of a float ulp.
   */
  private static FloatVector expm1Reduced(FloatVector r) {
    FloatVector p = r.fma(E7, E6);
    p = p.fma(r, E5);
    p = p.fma(r, E4);
    p = p.fma(r, E3);
    p = p.fma(r, E2);
    return r.mul(r).fma(p, r);
  }

  /** 2^k for integer lanes k in [-126, 127]. */
  private static FloatVector pow2(IntVector k) {
    return k.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
  }

  /**
   * e^x, within 1 ulp: x = n ln2 + r, |r| <= ln2/2, e^x = 2^n e^r. The scale is applied in two
   * exact halves so that results in the subnormal range round once and n = 128 still gives the
   * right overflow.
   */
  static FloatVector exp(FloatVector x) {
    FloatVector xc = clamp(x, EXP_LOW, EXP_HIGH);
    FloatVector t = xc.fma(LOG2E, ROUND);
    FloatVector n = t.sub(ROUND);
    FloatVector r = n.fma(MINUS_LN2_HI, xc);
    r = n.fma(MINUS_LN2_LO, r);
    FloatVector p = expm1Reduced(r).add(1f);
    IntVector k = t.reinterpretAsInts().sub(ROUND_BITS);
    IntVector k1 = k.lanewise(ASHR, 1);
    return p.mul(pow2(k1)).mul(pow2(k.sub(k1)));
  }

  /**
   * e^x - 1, within 1 ulp, accurate near 0: 2^n e^r - 1 = 2 (2^(n-1) expm1(r) + (2^(n-1) - 1/2)),
   * where 2^(n-1) - 1/2 is exact in the range that matters and one FMA rounds the sum.
   */
  static FloatVector expm1(FloatVector x) {
    FloatVector xc = clamp(x, -18f, EXP_HIGH); // below -18 the result rounds to -1
    FloatVector t = xc.fma(LOG2E, ROUND);
    FloatVector n = t.sub(ROUND);
    FloatVector r = n.fma(MINUS_LN2_HI, xc);
    r = n.fma(MINUS_LN2_LO, r);
    FloatVector em = expm1Reduced(r);
    FloatVector half = pow2(t.reinterpretAsInts().sub(ROUND_BITS + 1)); // 2^(n-1)
    FloatVector y = half.fma(em, half.sub(0.5f)).mul(2f);
    // Below 2^-25, expm1(x) rounds to x: keep it exactly (signed zeros, subnormals).
    return y.blend(x, x.abs().compare(VectorOperators.LT, 0x1p-25f));
  }

  /**
   * ln(x) + adj ln2 for positive normal x without special cases: x = 2^k m, m in [sqrt(1/2),
   * sqrt(2)), ln(m) = ln(1+f) from s = f/(2+f) with the exact f kept as the leading term (fdlibm's
   * form), within 1 ulp.
   */
  private static FloatVector logNormal(FloatVector x, FloatVector adj) {
    IntVector bits = x.reinterpretAsInts();
    FloatVector k =
        ((FloatVector) bits.lanewise(ASHR, 23).sub(127).convert(VectorOperators.I2F, 0)).add(adj);
    FloatVector m = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
    VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
    m = m.blend(m.mul(0.5f), big);
    k = k.blend(k.add(1f), big);
    return log1pOfReduced(m.sub(1f), k);
  }

  /** k ln2 + ln(1+f) for |f| <= sqrt(2) - 1. */
  private static FloatVector log1pOfReduced(FloatVector f, FloatVector k) {
    FloatVector s = f.div(f.add(2f));
    FloatVector z = s.mul(s);
    // R(z) = 2z/3 + 2z^2/5 + ... (atanh series), to z^6: truncation 2e-11 for z <= 0.0295.
    FloatVector r = z.fma(L13, L11);
    r = r.fma(z, L9);
    r = r.fma(z, L7);
    r = r.fma(z, L5);
    r = r.fma(z, L3);
    r = r.mul(z);
    FloatVector hfsq = f.mul(f).mul(0.5f);
    // ln(1+f) = f - (hfsq - s (hfsq + R)); k ln2 added in two parts.
    FloatVector corr = s.fma(hfsq.add(r), k.mul(LN2_LO));
    return k.fma(LN2_HI_V, f.sub(hfsq.sub(corr)));
  }

  /**
   * ln(x), within 1 ulp, with {@link Math#log}'s special cases: NaN for x < 0 or NaN, -inf at ±0,
   * +inf at +inf. Subnormal inputs are scaled into the normal range first.
   */
  static FloatVector log(FloatVector x) {
    VectorMask<Float> tiny = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
    FloatVector xs = x.blend(x.mul(0x1p23f), tiny);
    FloatVector adj = FloatVector.zero(S).blend(-23f, tiny);
    FloatVector r = logNormal(xs, adj);
    r = r.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    r = r.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
    return r.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
  }

  /**
   * ln(1 + u) for u in [0, 1] (or NaN), within 1 ulp, with an exact reduction: 1 + u = 2^k (1 + f)
   * with f = u (k = 0) up to sqrt(2) - 1, else f = u/2 - 1/2 (k = 1), both exact in float; no
   * exponent extraction or correction term needed.
   */
  static FloatVector log1pUnit(FloatVector u) {
    VectorMask<Float> big = u.compare(VectorOperators.GT, SQRT2 - 1f);
    FloatVector f = u.blend(u.fma(0.5f, -0.5f), big);
    FloatVector k = FloatVector.zero(S).blend(1f, big);
    return log1pOfReduced(f, k);
  }

  /**
   * tanh(x), within 2 ulps: with e = expm1(2|x|), tanh|x| = e / (e + 2), the sign of x copied back.
   * expm1 keeps the relative precision near 0; |x| is clamped at 9.1, beyond which tanh rounds to 1
   * (and e + 2 would overflow).
   */
  static FloatVector tanh(FloatVector x) {
    FloatVector e = expm1(x.abs().lanewise(VectorOperators.MIN, 9.1f).mul(2f));
    return copySign(e.div(e.add(2f)), x);
  }

  /**
   * The logistic function 1 / (1 + e^-x), within 2 ulps: with e = e^-|x| (never overflowing), 1 /
   * (1 + e) for x >= 0 and e / (1 + e) below, so that the tail keeps its relative precision down to
   * the subnormal range.
   */
  static FloatVector sigmoid(FloatVector x) {
    return sigmoidOf(x, exp(x.abs().neg()));
  }

  /** The logistic function given e = e^-|x|. */
  static FloatVector sigmoidOf(FloatVector x, FloatVector e) {
    FloatVector num = e.blend(1f, x.compare(VectorOperators.GE, 0f));
    return num.div(e.add(1f));
  }

  /** min(max(x, lo), hi) for lo <= hi, keeping NaN (compare-and-blend is cheaper than MIN/MAX). */
  static FloatVector clamp(FloatVector x, float lo, float hi) {
    FloatVector y = x.blend(lo, x.compare(VectorOperators.LT, lo));
    return y.blend(hi, y.compare(VectorOperators.GT, hi));
  }

  /** |m| with the sign of s. */
  static FloatVector copySign(FloatVector m, FloatVector s) {
    IntVector sign = s.reinterpretAsInts().and(0x80000000);
    return m.reinterpretAsInts().and(0x7FFFFFFF).or(sign).reinterpretAsFloats();
  }
}
