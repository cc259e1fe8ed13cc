package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and LogSoftmax over float32 data viewed as {@code [outer, len, stride]}, normalized over
 * the middle axis, with the Vector API and {@link FloatVectorMath#exp}.
 *
 * <p>Contiguous rows ({@code stride == 1}) are vectorized along the row: a max pass, an exp pass
 * that stores {@code e^(x - max)} and sums it in vector lanes (added up by {@link Lanes#sum}, so
 * the bits do not depend on JIT state), and a scaling pass. Strided data (a softmax over the
 * channels of an NCHW tensor, say) is vectorized across the {@code stride} independent rows
 * instead, which needs no horizontal sums at all.
 *
 * <p>Against the reference (double arithmetic, {@code SoftmaxOp.apply}): the same NaN rules (a NaN
 * or infinite maximum makes the row NaN) and results within a few float ulps plus the float
 * rounding of the row sum.
 */
public final class VectorSoftmax {
  private static final VectorSpecies<Float> S = FloatVectorMath.S;
  private static final int L = S.length();

  /** Lane indices 0, 1, ..., L - 1. */
  private static final FloatVector IOTA = iota();

  private static FloatVector iota() {
    float[] a = new float[L];
    for (int i = 0; i < L; i++) {
      a[i] = i;
    }
    return FloatVector.fromArray(S, a, 0);
  }

  private VectorSoftmax() {}

  /**
   * Below this many elements per call the scalar reference is used: it costs microseconds there,
   * and a kernel called once per inference on a 1000-class output would otherwise run as
   * interpreted Vector API code, boxing every vector, for the hundreds of calls it takes C2 to
   * compile it.
   */
  public static final int MIN_ELEMENTS = 4096;

  /**
   * True if {@link #run} handles {@code outer} groups of rows of {@code len} elements {@code
   * stride} apart, and the call is large enough to be worth it ({@link #MIN_ELEMENTS}).
   */
  public static boolean supports(int outer, int len, int stride) {
    return (long) outer * len * stride >= MIN_ELEMENTS && (stride == 1 ? len >= L : stride >= L);
  }

  /**
   * Writes softmax ({@code log == false}) or log-softmax of {@code x} into {@code y}, which must
   * not overlap it; both hold {@code outer * len * stride} elements from their offsets. Needs
   * {@link #supports}: the last vector of a row (or group of rows) overlaps the one before instead
   * of using masked accesses, which C2 compiles to a slow path that boxes the vectors.
   */
  public static void run(
      float[] x, int xo, float[] y, int yo, int outer, int len, int stride, boolean log) {
    for (int o = 0; o < outer; o++) {
      int base = o * len * stride;
      if (stride == 1) {
        row(x, xo + base, y, yo + base, len, log);
      } else {
        columns(x, xo + base, y, yo + base, len, stride, log);
      }
    }
  }

  private static void row(float[] x, int xo, float[] y, int yo, int len, boolean log) {
    int last = len - L;
    FloatVector mv = FloatVector.fromArray(S, x, xo + last);
    for (int i = 0; i < last; i += L) {
      mv = mv.max(FloatVector.fromArray(S, x, xo + i));
    }
    // max is exact and order-free (NaN wins as in Math.max), so a lane reduction is deterministic.
    float max = mv.reduceLanes(VectorOperators.MAX);
    FloatVector m = FloatVector.broadcast(S, max);
    FloatVector sv = FloatVector.zero(S);
    for (int i = 0; ; i += L) {
      int at = Math.min(i, last);
      FloatVector e = FloatVectorMath.exp(FloatVector.fromArray(S, x, xo + at).sub(m));
      if (!log) {
        e.intoArray(y, yo + at);
      }
      // The last vector overlaps the previous one: count only its new lanes.
      sv = sv.add(at < i ? e.blend(0f, IOTA.compare(VectorOperators.LT, i - at)) : e);
      if (at == last) {
        break;
      }
    }
    float sum = Lanes.sum(sv);
    if (log) {
      // (x - max) - log(sum): the first difference is exact near the maximum, where it matters.
      FloatVector lg = FloatVector.broadcast(S, (float) Math.log(sum));
      for (int i = 0; ; i += L) {
        int at = Math.min(i, last);
        FloatVector.fromArray(S, x, xo + at).sub(m).sub(lg).intoArray(y, yo + at);
        if (at == last) {
          break;
        }
      }
    } else {
      FloatVector sv2 = FloatVector.broadcast(S, sum);
      for (int i = 0; ; i += L) {
        int at = Math.min(i, last);
        FloatVector v = FloatVector.fromArray(S, y, yo + at);
        // Lanes of an overlapping last vector that were divided already keep their value.
        FloatVector q = v.div(sv2);
        (at < i ? q.blend(v, IOTA.compare(VectorOperators.LT, i - at)) : q).intoArray(y, yo + at);
        if (at == last) {
          break;
        }
      }
    }
  }

  /**
   * {@code stride} independent rows whose elements are {@code stride} apart, L rows at a time; the
   * last group overlaps the one before and computes the shared rows again (to the same bits).
   */
  private static void columns(
      float[] x, int xo, float[] y, int yo, int len, int stride, boolean log) {
    int last = stride - L;
    for (int s = 0; ; s += L) {
      int c = Math.min(s, last);
      FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int i = 0; i < len; i++) {
        max = max.max(FloatVector.fromArray(S, x, xo + i * stride + c));
      }
      FloatVector sum = FloatVector.zero(S);
      for (int i = 0; i < len; i++) {
        int at = i * stride + c;
        FloatVector e = FloatVectorMath.exp(FloatVector.fromArray(S, x, xo + at).sub(max));
        if (!log) {
          e.intoArray(y, yo + at);
        }
        sum = sum.add(e);
      }
      if (log) {
        FloatVector lg = FloatVectorMath.log(sum);
        for (int i = 0; i < len; i++) {
          int at = i * stride + c;
          FloatVector.fromArray(S, x, xo + at).sub(max).sub(lg).intoArray(y, yo + at);
        }
      } else {
        for (int i = 0; i < len; i++) {
          int at = i * stride + c;
          FloatVector.fromArray(S, y, yo + at).div(sum).intoArray(y, yo + at);
        }
      }
      if (c == last) {
        break;
      }
    }
  }
}
