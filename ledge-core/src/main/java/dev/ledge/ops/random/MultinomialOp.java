package dev.ledge.ops.random;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Multinomial (opset 7, 22): for each row of {@code [batch, classes]} unnormalized log
 * probabilities, {@code sample_size} class indices drawn independently with probabilities {@code
 * softmax(row)}. A row whose probabilities are undefined (NaN, +inf, or all -inf) is a run-time
 * error.
 */
final class MultinomialOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    if (ctx.opsetVersion() >= 22) {
      ctx.requireInputType(0, DType.FLOAT16, DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16);
    } else {
      ctx.requireInputType(0, DType.FLOAT16, DType.FLOAT32, DType.FLOAT64);
    }
    long code = ctx.attrInt("dtype", DType.INT32.onnxCode());
    DType out = code == DType.INT32.onnxCode() ? DType.INT32 : null;
    if (code == DType.INT64.onnxCode()) {
      out = DType.INT64;
    }
    if (out == null) {
      throw ctx.error("dtype is " + code + ", expected 6 (int32) or 7 (int64)");
    }
    long samples = ctx.attrInt("sample_size", 1);
    if (samples < 0 || samples > Integer.MAX_VALUE - 16) {
      throw ctx.error("sample_size is " + samples + ", expected >= 0");
    }
    Shape in = ctx.inputShape(0);
    Shape outShape = null;
    if (in != null) {
      if (in.rank() != 2) {
        throw ctx.error("input has rank " + in.rank() + ", expected [batch_size, class_size]");
      }
      outShape = new Shape(List.of(in.dim(0), Dim.of(samples)));
    }
    ctx.setOutput(0, out, outShape);
    Long seed = Seeds.seed(ctx);
    DType outType = out;
    int k = (int) samples;
    return exec -> {
      Tensor x = exec.input(0);
      int[] shape = x.shape();
      if (shape.length != 2) {
        throw exec.error(
            "input shape is " + Arrays.toString(shape) + ", expected [batch_size, class_size]");
      }
      int batch = shape[0];
      int classes = shape[1];
      double[] cumulative = new double[classes];
      for (int r = 0; r < batch; r++) {
        checkRow(exec, x, r, classes);
      }
      Tensor y = exec.output(0, outType, new int[] {batch, k});
      RandomGenerator rng = Seeds.generator(seed);
      for (int r = 0; r < batch; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, x.getDouble(r * classes + c));
        }
        double total = 0;
        for (int c = 0; c < classes; c++) {
          total += Math.exp(x.getDouble(r * classes + c) - max);
          cumulative[c] = total;
        }
        for (int s = 0; s < k; s++) {
          double u = rng.nextDouble() * total;
          int c = 0;
          // First class whose cumulative weight exceeds u; skipping zero-weight classes.
          while (c < classes - 1 && !(cumulative[c] > u)) {
            c++;
          }
          while (c > 0 && cumulative[c] == cumulative[c - 1]) {
            c--; // never land on a class of weight 0 through rounding at the top end
          }
          y.setLong(r * k + s, c);
        }
      }
    };
  }

  private static void checkRow(dev.ledge.ops.ExecContext exec, Tensor x, int r, int classes) {
    boolean finite = false;
    for (int c = 0; c < classes; c++) {
      double v = x.getDouble(r * classes + c);
      if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
        throw exec.error("row " + r + " has log probability " + v + " at class " + c);
      }
      finite |= v != Double.NEGATIVE_INFINITY;
    }
    if (!finite) {
      throw exec.error("row " + r + " has no class with nonzero probability");
    }
  }
}
