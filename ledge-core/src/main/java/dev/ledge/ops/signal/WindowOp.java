package dev.ledge.ops.signal;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;

/**
 * HannWindow, HammingWindow and BlackmanWindow (opset 17): a window of {@code size} samples, {@code
 * w[n]} for {@code n = 0 .. size-1} with {@code N = size} if {@code periodic} (the default) or
 * {@code size - 1} if symmetric:
 *
 * <ul>
 *   <li>Hann: {@code sin^2(pi n / N)}
 *   <li>Hamming: {@code 25/46 - (21/46) cos(2 pi n / N)}
 *   <li>Blackman: {@code 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)}
 * </ul>
 *
 * Computed in double and converted to {@code output_datatype} (as Cast converts: integers
 * truncate). A symmetric window of size 1 divides 0 by 0 and is NaN, as the spec's function body
 * gives it.
 */
final class WindowOp implements Operator {
  /** The three window shapes. */
  enum Kind {
    HANN("HannWindow"),
    HAMMING("HammingWindow"),
    BLACKMAN("BlackmanWindow");

    private final String opType;

    Kind(String opType) {
      this.opType = opType;
    }

    String opType() {
      return opType;
    }

    double value(int n, double period) {
      double x = n / period;
      return switch (this) {
        case HANN -> {
          double s = Math.sin(Math.PI * x);
          yield s * s;
        }
        case HAMMING -> 25.0 / 46.0 - (21.0 / 46.0) * Math.cos(2 * Math.PI * x);
        case BLACKMAN -> 0.42 - 0.5 * Math.cos(2 * Math.PI * x) + 0.08 * Math.cos(4 * Math.PI * x);
      };
    }
  }

  private final Kind kind;

  WindowOp(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.requireInputType(0, DType.INT32, DType.INT64);
    DType out = Scalars.outputDatatype(ctx);
    boolean periodic = ctx.attrInt("periodic", 1) != 0;
    Long size = Scalars.constantInteger(ctx, 0, "size");
    ctx.setOutput(0, out, size != null && size >= 0 ? Shape.of(new long[] {size}) : Shape.of(-1L));
    return exec -> execute(exec, out, periodic);
  }

  private void execute(ExecContext exec, DType out, boolean periodic) {
    long size = Scalars.integer(exec.input(0), "size", exec::error);
    if (size < 0 || size > Shapes.MAX_ELEMENTS) {
      throw exec.error("window size must be in 0.." + Shapes.MAX_ELEMENTS + ", got " + size);
    }
    int n = (int) size;
    Tensor y = exec.output(0, out, new int[] {n});
    double period = periodic ? n : n - 1;
    for (int i = 0; i < n; i++) {
      y.setDouble(i, kind.value(i, period));
    }
  }
}
