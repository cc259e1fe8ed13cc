package dev.ledge.ops.ml;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Binarizer (ai.onnx.ml 1): 1 where an element is greater than {@code threshold}, else 0 (NaN gives
 * 0), in the input's type. Integers are compared with the threshold exactly, not after rounding to
 * a double.
 */
final class BinarizerOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = ctx.requireInputType(0, DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32);
    float threshold = ctx.attrFloat("threshold", 0f);
    ctx.setOutput(0, t, ctx.inputShape(0));
    // For integers, x > threshold  <=>  x > floor(threshold) (threshold finite and in range).
    boolean allIntsAbove = threshold < -0x1p63;
    boolean noIntAbove = Float.isNaN(threshold) || threshold >= 0x1p63;
    long floor = allIntsAbove || noIntAbove ? 0 : (long) Math.floor(threshold);
    return exec -> {
      Tensor x = exec.input(0);
      int n = x.size();
      Tensor y = exec.outputLike(0, x.dtype(), x);
      switch (x.dtype()) {
        case FLOAT32 -> {
          float[] a = x.floats();
          float[] b = y.floats();
          for (int i = 0; i < n; i++) {
            b[y.offset() + i] = a[x.offset() + i] > threshold ? 1f : 0f;
          }
        }
        case FLOAT64 -> {
          double[] a = x.doubles();
          double[] b = y.doubles();
          for (int i = 0; i < n; i++) {
            b[y.offset() + i] = a[x.offset() + i] > threshold ? 1d : 0d;
          }
        }
        default -> {
          for (int i = 0; i < n; i++) {
            boolean above = !noIntAbove && (allIntsAbove || x.getLong(i) > floor);
            y.setLong(i, above ? 1 : 0);
          }
        }
      }
    };
  }
}
