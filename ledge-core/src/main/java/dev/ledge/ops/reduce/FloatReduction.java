package dev.ledge.ops.reduce;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Reference reduction kernel for floating-point tensors (float32, float64, float16, bfloat16).
 * Every type accumulates in double, which is at least as accurate as the type itself (float16 and
 * bfloat16 therefore accumulate in more than float precision, as the spec asks); results are
 * rounded to the output type once.
 */
final class FloatReduction {
  private FloatReduction() {}

  /**
   * Reduces {@code x} into {@code y} (already shaped for {@code geo}), with the geometry's scratch
   * arrays: allocation-free once the geometry has served a run.
   */
  static void reduce(Tensor x, ReductionGeometry geo, ReduceKind kind, Tensor y) {
    int outSize = geo.outSize();
    int length = geo.segmentLength();
    boolean reducedInner = geo.reducedInner();
    if (geo.segment == null) {
      geo.segment = new double[length];
      geo.acc = new double[outSize];
    }
    double[] buf = geo.segment;
    double[] shift = null;
    if (kind.map() == ReduceKind.ElementMap.EXP_SHIFTED) {
      if (geo.shift == null) {
        geo.shift = new double[outSize];
      }
      double[] max = geo.shift;
      Arrays.fill(max, Double.NEGATIVE_INFINITY);
      for (geo.start(); geo.next(); ) {
        load(x, geo.segmentIn, length, buf);
        fold(ReduceKind.Fold.MAX, max, buf, geo.segmentOut, length, reducedInner);
      }
      for (int i = 0; i < outSize; i++) {
        // An infinite or NaN maximum gives no useful shift; 0 keeps inf and NaN propagating.
        if (!Double.isFinite(max[i])) {
          max[i] = 0;
        }
      }
      shift = max;
    }
    double[] acc = geo.acc;
    Arrays.fill(acc, identity(kind.fold()));
    for (geo.start(); geo.next(); ) {
      load(x, geo.segmentIn, length, buf);
      map(kind.map(), buf, length, shift, geo.segmentOut, reducedInner);
      fold(kind.fold(), acc, buf, geo.segmentOut, length, reducedInner);
    }
    int count = geo.count();
    for (int i = 0; i < outSize; i++) {
      double v = acc[i];
      v =
          switch (kind.finish()) {
            case NONE -> v;
            case SQRT -> Math.sqrt(v);
            case LOG -> Math.log(v);
            case MEAN -> v / count;
            case LOG_SHIFTED -> Math.log(v) + shift[i];
          };
      acc[i] = v;
    }
    store(acc, y);
  }

  static double identity(ReduceKind.Fold fold) {
    return switch (fold) {
      case ADD -> 0;
      case MUL -> 1;
      case MAX -> Double.NEGATIVE_INFINITY;
      case MIN -> Double.POSITIVE_INFINITY;
    };
  }

  private static void load(Tensor x, int in, int length, double[] buf) {
    if (x.dtype() == DType.FLOAT32) {
      float[] a = x.floats();
      int base = x.offset() + in;
      for (int j = 0; j < length; j++) {
        buf[j] = a[base + j];
      }
    } else if (x.dtype() == DType.FLOAT64) {
      System.arraycopy(x.doubles(), x.offset() + in, buf, 0, length);
    } else {
      for (int j = 0; j < length; j++) {
        buf[j] = x.getDouble(in + j);
      }
    }
  }

  private static void map(
      ReduceKind.ElementMap map,
      double[] buf,
      int length,
      double[] shift,
      int out,
      boolean reducedInner) {
    switch (map) {
      case IDENTITY -> {}
      case ABS -> {
        for (int j = 0; j < length; j++) {
          buf[j] = Math.abs(buf[j]);
        }
      }
      case SQUARE -> {
        for (int j = 0; j < length; j++) {
          buf[j] *= buf[j];
        }
      }
      case EXP_SHIFTED -> {
        for (int j = 0; j < length; j++) {
          buf[j] = Math.exp(buf[j] - shift[reducedInner ? out : out + j]);
        }
      }
    }
  }

  /** Folds {@code buf[0..length)} into {@code acc} at {@code out} (or {@code out + j}). */
  static void fold(
      ReduceKind.Fold fold, double[] acc, double[] buf, int out, int length, boolean reducedInner) {
    if (reducedInner) {
      double a = acc[out];
      switch (fold) {
        case ADD -> {
          for (int j = 0; j < length; j++) {
            a += buf[j];
          }
        }
        case MUL -> {
          for (int j = 0; j < length; j++) {
            a *= buf[j];
          }
        }
        case MAX -> {
          for (int j = 0; j < length; j++) {
            a = max(a, buf[j]);
          }
        }
        case MIN -> {
          for (int j = 0; j < length; j++) {
            a = min(a, buf[j]);
          }
        }
      }
      acc[out] = a;
      return;
    }
    switch (fold) {
      case ADD -> {
        for (int j = 0; j < length; j++) {
          acc[out + j] += buf[j];
        }
      }
      case MUL -> {
        for (int j = 0; j < length; j++) {
          acc[out + j] *= buf[j];
        }
      }
      case MAX -> {
        for (int j = 0; j < length; j++) {
          acc[out + j] = max(acc[out + j], buf[j]);
        }
      }
      case MIN -> {
        for (int j = 0; j < length; j++) {
          acc[out + j] = min(acc[out + j], buf[j]);
        }
      }
    }
  }

  /** Maximum that propagates NaN (as numpy's maximum does). */
  private static double max(double a, double x) {
    return x > a || x != x ? x : a;
  }

  /** Minimum that propagates NaN. */
  private static double min(double a, double x) {
    return x < a || x != x ? x : a;
  }

  private static void store(double[] values, Tensor y) {
    int n = values.length;
    if (y.dtype() == DType.FLOAT32) {
      float[] a = y.floats();
      int base = y.offset();
      for (int i = 0; i < n; i++) {
        a[base + i] = (float) values[i];
      }
    } else if (y.dtype() == DType.FLOAT64) {
      System.arraycopy(values, 0, y.doubles(), y.offset(), n);
    } else {
      for (int i = 0; i < n; i++) {
        y.setDouble(i, values[i]);
      }
    }
  }
}
