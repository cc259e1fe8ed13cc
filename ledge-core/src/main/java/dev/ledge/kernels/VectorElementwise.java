package dev.ledge.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 elementwise kernels with the Vector API, the SIMD counterparts of the math operators'
 * scalar reference kernels (which compute in double and round once). Each writes {@code n} elements
 * of {@code z} from {@code zOff}; inputs are read from their offsets with a step of 1 (contiguous)
 * or 0 (one broadcast value), the runs that {@code BroadcastRuns} produces; other steps take a
 * scalar loop. Outputs may alias inputs at the same offset. Nothing is allocated per call: a tail
 * shorter than a vector goes through a per-thread buffer of one vector, allocated once per thread.
 *
 * <p><b>Accuracy</b> against the reference kernel, in ulps of the float result (subnormals in units
 * of the least subnormal), as checked by {@code SimdKernelsTest}; NaN, infinities and signed zeros
 * follow the reference:
 *
 * <ul>
 *   <li>bit-exact: add, sub, mul, div, max, min, prelu, neg, abs, sqrt, reciprocal, relu,
 *       leakyRelu, thresholdedRelu, clip, where: one IEEE float operation gives the correctly
 *       rounded result, which the reference's double operation rounded to float equals (a double
 *       has more than 2 * 24 + 2 bits);
 *   <li>1 ulp: erf, gelu (both forms), swish, computed in double lanes to about 1e-11 so that only
 *       the final rounding can differ; exp, log and elu (range reduction plus a polynomial whose
 *       error is a fraction of an ulp); hardSigmoid (one FMA, correctly rounded, where the
 *       reference rounds twice); softsign (two roundings);
 *   <li>2 ulps: tanh (expm1 plus a division), sigmoid (exp plus a division), softplus (exp and
 *       log1p), celu and selu (expm1 plus a scaling), hardSwish (three roundings), silu (against
 *       the reference's sigmoid rounded to float times x; below x = -87.3, where that sigmoid is
 *       subnormal, within 2|x| least subnormals).
 * </ul>
 *
 * Functions whose float evaluation would amplify a rounding error are computed in double lanes: erf
 * and Gelu (e^(-x^2) costs x^2 times the rounding of x^2), swish with alpha != 1 (e^(-alpha x)
 * costs |alpha x| times the rounding of alpha x) and Gelu's tanh form (its cubic argument).
 *
 * <p><b>Own polynomials rather than {@code VectorOperators.EXP/TANH/LOG}</b>: on this AVX-512
 * machine (JDK 25) those are intrinsified to Intel SVML (exp 0.23 ns/element, tanh 0.47, at 64K
 * elements), but only in C2-compiled code with a constant operator; in the interpreter, C1, and on
 * CPUs without a vector math library, each lane calls {@link Math} (exp 4.1 ns/element, no faster
 * than the scalar loop). An operator's results would then change after warm-up and between
 * machines. The kernels here use only FMA, compare, blend and bit operations, give the same bits on
 * every CPU and JIT tier, and measured as fast (exp 0.25, tanh 0.42, log 0.38 ns/element in the
 * same harness); erf, which the Vector API lacks, needs its own anyway.
 */
public final class VectorElementwise {
  private VectorElementwise() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Float lanes used by the kernels computed in double. */
  private static final VectorSpecies<Float> F = DoubleVectorMath.F;

  private static final int FL = F.length();

  /** Byte lanes matching the float lanes (null if no such shape: Where then stays scalar). */
  private static final VectorSpecies<Byte> B = byteSpecies();

  private static VectorSpecies<Byte> byteSpecies() {
    int bits = L * 8;
    if (bits < 64 || bits > VectorShape.preferredShape().vectorBitSize()) {
      return null;
    }
    return ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(bits));
  }

  // ---- binary -----------------------------------------------------------------------------------

  private static final int ADD = 0;
  private static final int SUB = 1;
  private static final int MUL = 2;
  private static final int DIV = 3;
  private static final int MAX = 4;
  private static final int MIN = 5;
  private static final int PRELU = 6;

  /** z = a + b. */
  public static void add(
      float[] a, int aOff, int aStep, float[] b, int bOff, int bStep, float[] z, int zOff, int n) {
    binary(ADD, a, aOff, aStep, b, bOff, bStep, z, zOff, n);
  }

  /** z = a - b. */
  public static void sub(
      float[] a, int aOff, int aStep, float[] b, int bOff, int bStep, float[] z, int zOff, int n) {
    binary(SUB, a, aOff, aStep, b, bOff, bStep, z, zOff, n);
  }

  /** z = a * b. */
  public static void mul(
      float[] a, int aOff, int aStep, float[] b, int bOff, int bStep, float[] z, int zOff, int n) {
    binary(MUL, a, aOff, aStep, b, bOff, bStep, z, zOff, n);
  }

  /** z = a / b. */
  public static void div(
      float[] a, int aOff, int aStep, float[] b, int bOff, int bStep, float[] z, int zOff, int n) {
    binary(DIV, a, aOff, aStep, b, bOff, bStep, z, zOff, n);
  }

  /** z = max(a, b) as {@link Math#max} (NaN wins, +0 > -0). */
  public static void max(
      float[] a, int aOff, int aStep, float[] b, int bOff, int bStep, float[] z, int zOff, int n) {
    binary(MAX, a, aOff, aStep, b, bOff, bStep, z, zOff, n);
  }

  /** z = min(a, b) as {@link Math#min}. */
  public static void min(
      float[] a, int aOff, int aStep, float[] b, int bOff, int bStep, float[] z, int zOff, int n) {
    binary(MIN, a, aOff, aStep, b, bOff, bStep, z, zOff, n);
  }

  /** PRelu: z = a < 0 ? a * slope : a. */
  public static void prelu(
      float[] a,
      int aOff,
      int aStep,
      float[] slope,
      int sOff,
      int sStep,
      float[] z,
      int zOff,
      int n) {
    binary(PRELU, a, aOff, aStep, slope, sOff, sStep, z, zOff, n);
  }

  private static void binary(
      int op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] z, int zi, int n) {
    if (n <= 0) {
      return;
    }
    int k = 0;
    int bound = S.loopBound(n);
    if (as == 1 && bs == 1) {
      for (; k < bound; k += L) {
        FloatVector x = FloatVector.fromArray(S, a, ai + k);
        FloatVector y = FloatVector.fromArray(S, b, bi + k);
        apply(op, x, y).intoArray(z, zi + k);
      }
    } else if (as == 1 && bs == 0) {
      FloatVector y = FloatVector.broadcast(S, b[bi]);
      for (; k < bound; k += L) {
        apply(op, FloatVector.fromArray(S, a, ai + k), y).intoArray(z, zi + k);
      }
    } else if (as == 0 && bs == 1) {
      FloatVector x = FloatVector.broadcast(S, a[ai]);
      for (; k < bound; k += L) {
        apply(op, x, FloatVector.fromArray(S, b, bi + k)).intoArray(z, zi + k);
      }
    }
    // The rest (and other steps) elementwise: the same IEEE operation, so the same bits.
    for (; k < n; k++) {
      z[zi + k] = apply(op, a[ai + k * as], b[bi + k * bs]);
    }
  }

  private static FloatVector apply(int op, FloatVector x, FloatVector y) {
    return switch (op) {
      case ADD -> x.add(y);
      case SUB -> x.sub(y);
      case MUL -> x.mul(y);
      case DIV -> x.div(y);
      case MAX -> x.lanewise(VectorOperators.MAX, y);
      case MIN -> x.lanewise(VectorOperators.MIN, y);
      case PRELU -> x.blend(x.mul(y), x.compare(VectorOperators.LT, 0f));
      default -> throw new IllegalArgumentException("binary op " + op);
    };
  }

  private static float apply(int op, float x, float y) {
    return switch (op) {
      case ADD -> x + y;
      case SUB -> x - y;
      case MUL -> x * y;
      case DIV -> x / y;
      case MAX -> Math.max(x, y);
      case MIN -> Math.min(x, y);
      case PRELU -> x < 0 ? x * y : x;
      default -> throw new IllegalArgumentException("binary op " + op);
    };
  }

  // ---- unary
  // --------------------------------------------------------------------------------------

  // C2 must inline all vector code of a kernel into its loop, or every vector is boxed on the heap
  // (ten times slower). It refuses to once the method's graph passes a node budget, and refuses a
  // callee that was already compiled on its own into a big method. Hence: kernels written out per
  // function (no dispatch switch), the lane-wise expression directly in the loop, each loop body
  // once (a second copy for a masked tail costs too many nodes), and the tail either a scalar loop
  // with the same IEEE operations (exact functions) or one more vector through a per-thread buffer,
  // so that every element gets the same function.

  /** z = -x. */
  public static void neg(float[] x, int xOff, float[] z, int zOff, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      neg(FloatVector.fromArray(S, x, xOff + k)).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = neg(x[xOff + k]);
    }
  }

  private static FloatVector neg(FloatVector v) {
    return v.neg();
  }

  private static float neg(float x) {
    return -x;
  }

  /** z = |x|. */
  public static void abs(float[] x, int xOff, float[] z, int zOff, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      abs(FloatVector.fromArray(S, x, xOff + k)).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = abs(x[xOff + k]);
    }
  }

  private static FloatVector abs(FloatVector v) {
    return v.abs();
  }

  private static float abs(float x) {
    return Math.abs(x);
  }

  /** z = sqrt(x), correctly rounded. */
  public static void sqrt(float[] x, int xOff, float[] z, int zOff, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      sqrt(FloatVector.fromArray(S, x, xOff + k)).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = sqrt(x[xOff + k]);
    }
  }

  private static FloatVector sqrt(FloatVector v) {
    return v.sqrt();
  }

  private static float sqrt(float x) {
    return (float) Math.sqrt(x);
  }

  /** z = 1 / x. */
  public static void reciprocal(float[] x, int xOff, float[] z, int zOff, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      reciprocal(FloatVector.fromArray(S, x, xOff + k)).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = reciprocal(x[xOff + k]);
    }
  }

  private static FloatVector reciprocal(FloatVector v) {
    return FloatVector.broadcast(S, 1f).div(v);
  }

  private static float reciprocal(float x) {
    return 1f / x;
  }

  /** z = max(x, 0) as {@link Math#max} (-0 gives +0, NaN stays). */
  public static void relu(float[] x, int xOff, float[] z, int zOff, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      relu(FloatVector.fromArray(S, x, xOff + k)).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = relu(x[xOff + k]);
    }
  }

  private static FloatVector relu(FloatVector v) {
    return v.lanewise(VectorOperators.MAX, 0f);
  }

  private static float relu(float x) {
    return Math.max(x, 0f);
  }

  /** z = x >= 0 ? x : alpha x. */
  public static void leakyRelu(float[] x, int xOff, float[] z, int zOff, int n, float alpha) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      leakyRelu(FloatVector.fromArray(S, x, xOff + k), alpha).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = leakyRelu(x[xOff + k], alpha);
    }
  }

  private static FloatVector leakyRelu(FloatVector v, float alpha) {
    return v.mul(alpha).blend(v, v.compare(VectorOperators.GE, 0f));
  }

  private static float leakyRelu(float x, float alpha) {
    return x >= 0 ? x : x * alpha;
  }

  /** z = x > alpha ? x : 0. */
  public static void thresholdedRelu(float[] x, int xOff, float[] z, int zOff, int n, float alpha) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      thresholdedRelu(FloatVector.fromArray(S, x, xOff + k), alpha).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = thresholdedRelu(x[xOff + k], alpha);
    }
  }

  private static FloatVector thresholdedRelu(FloatVector v, float alpha) {
    return FloatVector.zero(S).blend(v, v.compare(VectorOperators.GT, alpha));
  }

  private static float thresholdedRelu(float x, float alpha) {
    return x > alpha ? x : 0f;
  }

  /** z = min(max(x, lo), hi) as {@link Math#min}/{@link Math#max}. */
  public static void clip(float[] x, int xOff, float[] z, int zOff, int n, float lo, float hi) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      clip(FloatVector.fromArray(S, x, xOff + k), lo, hi).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = clip(x[xOff + k], lo, hi);
    }
  }

  private static FloatVector clip(FloatVector v, float lo, float hi) {
    return v.lanewise(VectorOperators.MAX, lo).lanewise(VectorOperators.MIN, hi);
  }

  private static float clip(float x, float lo, float hi) {
    return Math.min(Math.max(x, lo), hi);
  }

  /** z = max(0, min(1, alpha x + beta)), with one FMA. */
  public static void hardSigmoid(
      float[] x, int xOff, float[] z, int zOff, int n, float alpha, float beta) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      hardSigmoid(FloatVector.fromArray(S, x, xOff + k), alpha, beta).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = hardSigmoid(x[xOff + k], alpha, beta);
    }
  }

  private static FloatVector hardSigmoid(FloatVector v, float alpha, float beta) {
    return v.fma(alpha, beta).lanewise(VectorOperators.MIN, 1f).lanewise(VectorOperators.MAX, 0f);
  }

  private static float hardSigmoid(float x, float alpha, float beta) {
    return Math.max(Math.min(Math.fma(x, alpha, beta), 1f), 0f);
  }

  /** z = x max(0, min(1, x/6 + 1/2)), computed as x clamp((x + 3) / 6) (exact x + 3 near -3). */
  public static void hardSwish(float[] x, int xOff, float[] z, int zOff, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      hardSwish(FloatVector.fromArray(S, x, xOff + k)).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = hardSwish(x[xOff + k]);
    }
  }

  private static FloatVector hardSwish(FloatVector v) {
    return v.mul(
        v.add(3f).div(6f).lanewise(VectorOperators.MIN, 1f).lanewise(VectorOperators.MAX, 0f));
  }

  private static float hardSwish(float x) {
    return x * Math.max(Math.min((x + 3f) / 6f, 1f), 0f);
  }

  /** z = x / (1 + |x|). */
  public static void softsign(float[] x, int xOff, float[] z, int zOff, int n) {
    int k = 0;
    for (int bound = S.loopBound(n); k < bound; k += L) {
      softsign(FloatVector.fromArray(S, x, xOff + k)).intoArray(z, zOff + k);
    }
    for (; k < n; k++) {
      z[zOff + k] = softsign(x[xOff + k]);
    }
  }

  private static FloatVector softsign(FloatVector v) {
    return v.div(v.abs().add(1f));
  }

  private static float softsign(float x) {
    return x / (Math.abs(x) + 1f);
  }

  /** z = e^x. */
  public static void exp(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        FloatVectorMath.exp(v).intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** z = ln(x). */
  public static void log(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        FloatVectorMath.log(v).intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** z = tanh(x). */
  public static void tanh(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        FloatVectorMath.tanh(v).intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** z = 1 / (1 + e^-x). */
  public static void sigmoid(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        FloatVectorMath.sigmoid(v).intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /**
   * SiLU, z = x sigmoid(x), in float lanes: the bits of {@link #sigmoid} followed by a float
   * multiply, which is what a graph's {@code Mul(x, Sigmoid(x))} computes ({@link #swish} is more
   * accurate where the sigmoid is subnormal, and slower).
   */
  public static void silu(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        v.mul(FloatVectorMath.sigmoid(v)).intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** z = ln(1 + e^x), as max(x, 0) + ln(1 + e^-|x|). */
  public static void softplus(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        FloatVectorMath.log1pUnit(FloatVectorMath.exp(v.abs().neg()))
            .add(FloatVector.zero(S).blend(v, v.compare(VectorOperators.GT, 0f)))
            .intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** z = x > 0 ? x : alpha (e^x - 1). */
  public static void elu(float[] x, int xOff, float[] z, int zOff, int n, float alpha) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        FloatVectorMath.expm1(v)
            .mul(alpha)
            .blend(v, v.compare(VectorOperators.GT, 0f))
            .intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** z = x > 0 ? x : alpha (e^(x/alpha) - 1). */
  public static void celu(float[] x, int xOff, float[] z, int zOff, int n, float alpha) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        FloatVectorMath.expm1(v.div(alpha))
            .mul(alpha)
            .blend(v, v.compare(VectorOperators.GT, 0f))
            .intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** z = x > 0 ? gamma x : gamma alpha (e^x - 1). */
  public static void selu(
      float[] x, int xOff, float[] z, int zOff, int n, float alpha, float gamma) {
    int full = S.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += L) {
        FloatVector v = FloatVector.fromArray(S, src, si + k);
        FloatVectorMath.expm1(v)
            .mul(alpha)
            .blend(v, v.compare(VectorOperators.GT, 0f))
            .mul(gamma)
            .intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = L;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** z = erf(x). */
  public static void erf(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = F.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += FL) {
        FloatVector v = FloatVector.fromArray(F, src, si + k);
        DoubleVector d = (DoubleVector) v.convertShape(VectorOperators.F2D, DoubleVectorMath.D, 0);
        ((FloatVector) DoubleVectorMath.erf(d).convertShape(VectorOperators.D2F, F, 0))
            .intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = FL;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** Gelu, exact form: z = 0.5 x (1 + erf(x / sqrt 2)). */
  public static void gelu(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = F.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += FL) {
        FloatVector v = FloatVector.fromArray(F, src, si + k);
        DoubleVector d = (DoubleVector) v.convertShape(VectorOperators.F2D, DoubleVectorMath.D, 0);
        ((FloatVector) DoubleVectorMath.gelu(d).convertShape(VectorOperators.D2F, F, 0))
            .intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = FL;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /**
   * Gelu, tanh form: z = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as x sigmoid(2 sqrt(2/pi)
   * (x + 0.044715 x^3)).
   */
  public static void geluTanh(float[] x, int xOff, float[] z, int zOff, int n) {
    int full = F.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += FL) {
        FloatVector v = FloatVector.fromArray(F, src, si + k);
        DoubleVector d = (DoubleVector) v.convertShape(VectorOperators.F2D, DoubleVectorMath.D, 0);
        ((FloatVector) DoubleVectorMath.geluTanh(d).convertShape(VectorOperators.D2F, F, 0))
            .intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = FL;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /**
   * z = x sigmoid(alpha x). In double, where alpha x is exact: in float its rounding would cost
   * |alpha x| ulps in e^-|alpha x|, and x e^-|alpha x| can be a normal float where e^-|alpha x| is
   * not.
   */
  public static void swish(float[] x, int xOff, float[] z, int zOff, int n, float alpha) {
    int full = F.loopBound(n);
    int tail = n - full;
    float[] src = x;
    float[] dst = z;
    int si = xOff;
    int di = zOff;
    int count = full;
    float[] buf = null;
    while (true) {
      for (int k = 0; k < count; k += FL) {
        FloatVector v = FloatVector.fromArray(F, src, si + k);
        DoubleVector d = (DoubleVector) v.convertShape(VectorOperators.F2D, DoubleVectorMath.D, 0);
        ((FloatVector) DoubleVectorMath.swish(d, alpha).convertShape(VectorOperators.D2F, F, 0))
            .intoArray(dst, di + k);
      }
      if (buf != null || tail == 0) {
        break;
      }
      buf = tailBuffer(x, xOff + full, tail);
      src = buf;
      dst = buf;
      si = 0;
      di = 0;
      count = FL;
    }
    if (buf != null) {
      System.arraycopy(buf, 0, z, zOff + full, tail);
    }
  }

  /** Per-thread scratch for tails: one vector of lanes, reused (allocated once per thread). */
  private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[L]);

  /** The thread's tail buffer holding x[from, from + len). */
  private static float[] tailBuffer(float[] x, int from, int len) {
    float[] buf = TAIL.get();
    System.arraycopy(x, from, buf, 0, len);
    return buf;
  }

  // ---- where
  // --------------------------------------------------------------------------------------

  /**
   * z = c != 0 ? a : b for a bool condition (one byte per element). The condition has step 1 or 0
   * (a constant condition copies one side); a and b steps 1 or 0.
   */
  public static void where(
      byte[] c,
      int cOff,
      int cStep,
      float[] a,
      int aOff,
      int aStep,
      float[] b,
      int bOff,
      int bStep,
      float[] z,
      int zOff,
      int n) {
    if (n <= 0) {
      return;
    }
    int k = 0;
    if (cStep == 1 && B != null && (aStep == 0 || aStep == 1) && (bStep == 0 || bStep == 1)) {
      FloatVector av = FloatVector.broadcast(S, a[aOff]);
      FloatVector bv = FloatVector.broadcast(S, b[bOff]);
      for (int bound = S.loopBound(n); k < bound; k += L) {
        VectorMask<Float> m =
            ByteVector.fromArray(B, c, cOff + k).compare(VectorOperators.NE, (byte) 0).cast(S);
        FloatVector x = aStep == 1 ? FloatVector.fromArray(S, a, aOff + k) : av;
        FloatVector y = bStep == 1 ? FloatVector.fromArray(S, b, bOff + k) : bv;
        y.blend(x, m).intoArray(z, zOff + k);
      }
    }
    for (; k < n; k++) {
      z[zOff + k] = c[cOff + k * cStep] != 0 ? a[aOff + k * aStep] : b[bOff + k * bStep];
    }
  }
}
