package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

  private VectorSoftmax() {}

  /**
   * Writes softmax ({@code log == false}) or log-softmax of {@code x} into {@code y} (which may be
   * {@code x}); both hold {@code outer * len * stride} elements from their offsets.
   */
  public static void run(
      float[] x, int xo, float[] y, int yo, int outer, int len, int stride, boolean log) {
    if (len == 0) {
      return;
    }
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
    int bound = S.loopBound(len);
    FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (; i < bound; i += L) {
      mv = mv.max(FloatVector.fromArray(S, x, xo + i));
    }
    // max is exact and order-free (NaN wins as in Math.max), so a lane reduction is deterministic.
    float max = mv.reduceLanes(VectorOperators.MAX);
    for (; i < len; i++) {
      max = Math.max(max, x[xo + i]);
    }
    FloatVector m = FloatVector.broadcast(S, max);
    FloatVector sv = FloatVector.zero(S);
    for (i = 0; i < bound; i += L) {
      FloatVector e = FloatVectorMath.exp(FloatVector.fromArray(S, x, xo + i).sub(m));
      if (!log) {
        e.intoArray(y, yo + i);
      }
      sv = sv.add(e);
    }
    float sum = Lanes.sum(sv);
    if (i < len) {
      VectorMask<Float> tail = S.indexInRange(i, len);
      FloatVector e = FloatVectorMath.exp(FloatVector.fromArray(S, x, xo + i, tail).sub(m));
      if (!log) {
        e.intoArray(y, yo + i, tail);
      }
      sum += Lanes.sum(FloatVector.zero(S).blend(e, tail));
    }
    if (log) {
      // (x - max) - log(sum): the first difference is exact near the maximum, where it matters.
      float lg = (float) Math.log(sum);
      FloatVector lv = FloatVector.broadcast(S, lg);
      for (i = 0; i < bound; i += L) {
        FloatVector.fromArray(S, x, xo + i).sub(m).sub(lv).intoArray(y, yo + i);
      }
      for (; i < len; i++) {
        y[yo + i] = (x[xo + i] - max) - lg;
      }
    } else {
      FloatVector s = FloatVector.broadcast(S, sum);
      for (i = 0; i < bound; i += L) {
        FloatVector.fromArray(S, y, yo + i).div(s).intoArray(y, yo + i);
      }
      for (; i < len; i++) {
        y[yo + i] /= sum;
      }
    }
  }

  /** {@code stride} independent rows whose elements are {@code stride} apart, L rows at a time. */
  private static void columns(
      float[] x, int xo, float[] y, int yo, int len, int stride, boolean log) {
    for (int s = 0; s < stride; s += L) {
      VectorMask<Float> lanes = S.indexInRange(s, stride);
      FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int i = 0; i < len; i++) {
        max = max.max(FloatVector.fromArray(S, x, xo + i * stride + s, lanes));
      }
      FloatVector sum = FloatVector.zero(S);
      for (int i = 0; i < len; i++) {
        int at = i * stride + s;
        FloatVector e = FloatVectorMath.exp(FloatVector.fromArray(S, x, xo + at, lanes).sub(max));
        if (!log) {
          e.intoArray(y, yo + at, lanes);
        }
        sum = sum.add(e);
      }
      if (log) {
        FloatVector lg = FloatVectorMath.log(sum);
        for (int i = 0; i < len; i++) {
          int at = i * stride + s;
          FloatVector.fromArray(S, x, xo + at, lanes).sub(max).sub(lg).intoArray(y, yo + at, lanes);
        }
      } else {
        for (int i = 0; i < len; i++) {
          int at = i * stride + s;
          FloatVector.fromArray(S, y, yo + at, lanes).div(sum).intoArray(y, yo + at, lanes);
        }
      }
    }
  }
}
