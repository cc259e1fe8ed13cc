package dev.ledge.ops.reduce;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Reference reduction kernel for integer and bool tensors, exact in 64-bit arithmetic. Sums and
 * products wrap to the element type's width when stored, as integer arithmetic in that type would;
 * a mean divides the exact sum and truncates toward zero; an L2 norm truncates the square root of
 * the exact sum of squares. Bool reduces with Max (any) and Min (all) only.
 */
final class IntegerReduction {
  private IntegerReduction() {}

  /**
   * Reduces {@code x} into {@code y}. Returns false, computing nothing, when a mean would divide by
   * an empty set (the caller reports that).
   */
  static boolean reduce(Tensor x, ReductionGeometry geo, ReduceKind kind, Tensor y) {
    DType t = x.dtype();
    int outSize = geo.outSize();
    int count = geo.count();
    if (kind.finish() == ReduceKind.Finish.MEAN && count == 0 && outSize > 0) {
      return false;
    }
    boolean unsigned64 = t == DType.UINT64;
    long[] acc = new long[outSize];
    Arrays.fill(acc, identity(kind.fold(), t));
    long[] buf = new long[geo.segmentLength()];
    geo.forEachSegment(
        (in, out, length, reducedInner) -> {
          load(x, in, length, buf);
          map(kind.map(), buf, length);
          fold(kind.fold(), unsigned64, acc, buf, out, length, reducedInner);
        });
    for (int i = 0; i < outSize; i++) {
      long v = acc[i];
      y.setLong(
          i,
          switch (kind.finish()) {
            case NONE -> v;
            case SQRT -> (long) Math.sqrt(unsigned64 || v < 0 ? unsignedToDouble(v) : v);
            case MEAN -> unsigned64 ? Long.divideUnsigned(v, count) : v / count;
            case LOG, LOG_SHIFTED ->
                throw new IllegalStateException(kind + " is not defined for integers");
          });
    }
    return true;
  }

  /** The fold's identity in type {@code t}: the type's minimum for Max, its maximum for Min. */
  private static long identity(ReduceKind.Fold fold, DType t) {
    return switch (fold) {
      case ADD -> 0;
      case MUL -> 1;
      case MAX -> minValue(t);
      case MIN -> maxValue(t);
    };
  }

  private static long minValue(DType t) {
    return switch (t) {
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      default -> 0; // unsigned types and bool (false)
    };
  }

  private static long maxValue(DType t) {
    return switch (t) {
      case BOOL -> 1;
      case INT8 -> Byte.MAX_VALUE;
      case UINT8 -> 0xFF;
      case INT16 -> Short.MAX_VALUE;
      case UINT16 -> 0xFFFF;
      case INT32 -> Integer.MAX_VALUE;
      case UINT32 -> 0xFFFF_FFFFL;
      case INT64 -> Long.MAX_VALUE;
      case UINT64 -> -1L; // all bits set: 2^64 - 1
      default -> throw new IllegalArgumentException("not an integer type: " + t);
    };
  }

  private static void load(Tensor x, int in, int length, long[] buf) {
    switch (x.dtype()) {
      case INT64, UINT64 -> System.arraycopy(x.longs(), x.offset() + in, buf, 0, length);
      case INT32 -> {
        int[] a = x.ints();
        int base = x.offset() + in;
        for (int j = 0; j < length; j++) {
          buf[j] = a[base + j];
        }
      }
      case UINT32 -> {
        int[] a = x.ints();
        int base = x.offset() + in;
        for (int j = 0; j < length; j++) {
          buf[j] = Integer.toUnsignedLong(a[base + j]);
        }
      }
      default -> {
        for (int j = 0; j < length; j++) {
          buf[j] = x.getLong(in + j);
        }
      }
    }
  }

  private static void map(ReduceKind.ElementMap map, long[] buf, int length) {
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
      case EXP_SHIFTED -> throw new IllegalStateException("exp is not defined for integers");
    }
  }

  private static void fold(
      ReduceKind.Fold fold,
      boolean unsigned64,
      long[] acc,
      long[] buf,
      int out,
      int length,
      boolean reducedInner) {
    for (int j = 0; j < length; j++) {
      int o = reducedInner ? out : out + j;
      long a = acc[o];
      long v = buf[j];
      acc[o] =
          switch (fold) {
            case ADD -> a + v;
            case MUL -> a * v;
            case MAX -> compare(v, a, unsigned64) > 0 ? v : a;
            case MIN -> compare(v, a, unsigned64) < 0 ? v : a;
          };
    }
  }

  private static int compare(long a, long b, boolean unsigned) {
    return unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b);
  }

  private static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return v >= 0 ? (double) v : d + (v & 1);
  }
}
