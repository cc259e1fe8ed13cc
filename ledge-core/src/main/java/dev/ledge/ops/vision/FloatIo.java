package dev.ledge.ops.vision;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Reads and writes floating-point tensors (float16, bfloat16, float32, float64) as {@code double[]}
 * so that one reference kernel serves every float type: computing in double and rounding once at
 * the end is at least as accurate as the ONNX reference for each type.
 */
final class FloatIo {
  private FloatIo() {}

  /** The float types the kernels of this package accept. */
  static final DType[] FLOAT_TYPES = {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT64};

  /** All elements of a float tensor as doubles (a new array). */
  static double[] read(Tensor t) {
    int n = t.size();
    double[] r = new double[n];
    switch (t.dtype()) {
      case FLOAT32 -> {
        float[] a = t.floats();
        int off = t.offset();
        for (int i = 0; i < n; i++) {
          r[i] = a[off + i];
        }
      }
      case FLOAT64 -> System.arraycopy(t.doubles(), t.offset(), r, 0, n);
      default -> {
        for (int i = 0; i < n; i++) {
          r[i] = t.getDouble(i);
        }
      }
    }
    return r;
  }

  /** Writes {@code src} into a float tensor of the same size, rounding to its type. */
  static void write(double[] src, Tensor dst) {
    int n = dst.size();
    switch (dst.dtype()) {
      case FLOAT32 -> {
        float[] a = dst.floats();
        int off = dst.offset();
        for (int i = 0; i < n; i++) {
          a[off + i] = (float) src[i];
        }
      }
      case FLOAT64 -> System.arraycopy(src, 0, dst.doubles(), dst.offset(), n);
      default -> {
        for (int i = 0; i < n; i++) {
          dst.setDouble(i, src[i]);
        }
      }
    }
  }
}
