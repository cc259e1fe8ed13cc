package dev.ledge.ops.signal;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.kernels.Fft;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * DFT (opsets 17 and 20): the discrete Fourier transform along one axis of a real ({@code [...,
 * 1]}) or complex ({@code [..., 2]}, real and imaginary parts) signal. {@code axis} is an attribute
 * (default 1) in opset 17 and an optional scalar input (default -2) from opset 20; it may not name
 * the last (complex) dim.
 *
 * <ul>
 *   <li>forward: {@code y[k] = sum_n x[n] exp(-2 pi i k n / L)} with {@code L = dft_length} (the
 *       signal is cut or zero-padded to L), complex output; {@code onesided} keeps bins {@code 0 ..
 *       L/2}.
 *   <li>{@code inverse}: {@code x[n] = (1/L) sum_k y[k] exp(+2 pi i k n / L)}, complex output.
 *   <li>{@code inverse} and {@code onesided} (irfft, as the spec defines it since its 2026
 *       clarification): the input holds bins {@code 0 .. L/2} of a spectrum with Hermitian symmetry
 *       (cut or zero-padded to that many), {@code L} defaults to {@code 2 (n - 1)}, and the output
 *       is the real signal of length L ({@code [..., 1]}); as in numpy, the imaginary parts of bin
 *       0 and (for even L) bin L/2 are ignored.
 * </ul>
 *
 * Transforms run in double with {@link Fft}; results are rounded to the input type once.
 */
final class DftOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    boolean v20 = ctx.opsetVersion() >= 20;
    ctx.requireInputCount(1, v20 ? 3 : 2);
    DType t = ctx.requireInputType(0, DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);
    boolean inverse = ctx.attrInt("inverse", 0) != 0;
    boolean onesided = ctx.attrInt("onesided", 0) != 0;
    Long axisValue;
    if (v20) {
      if (ctx.hasAttr("axis")) {
        throw ctx.error(
            "'axis' is an input, not an attribute, from opset 20 (model imports opset "
                + ctx.opsetVersion()
                + ")");
      }
      axisValue = ctx.hasInput(2) ? Scalars.constantInteger(ctx, 2, "axis") : Long.valueOf(-2);
      if (ctx.hasInput(2)) {
        ctx.requireInputType(2, DType.INT64);
      }
    } else {
      axisValue = ctx.attrInt("axis", 1);
    }
    Long length = null;
    if (ctx.hasInput(1)) {
      ctx.requireInputType(1, DType.INT32, DType.INT64);
      length = Scalars.constantInteger(ctx, 1, "dft_length");
    }
    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null) {
      int rank = in.rank();
      checkRank(rank, ctx::error);
      Dim last = in.dim(rank - 1);
      if (last.isKnown() && last.value() != 1 && last.value() != 2) {
        throw ctx.error("the last dim of the input must be 1 (real) or 2 (complex), got " + in);
      }
      if (axisValue != null) {
        int axis = axis(axisValue, rank, ctx::error);
        List<Dim> dims = new ArrayList<>(in.dims());
        Dim n = dims.get(axis);
        Dim outLen = Dim.unknown();
        if (length != null || n.isKnown()) {
          long l =
              transformLength(length, n.isKnown() ? n.value() : -1, inverse, onesided, ctx::error);
          outLen = Dim.of(inverse || !onesided ? l : l / 2 + 1);
        }
        dims.set(axis, outLen);
        dims.set(rank - 1, Dim.of(inverse && onesided ? 1 : 2));
        out = new Shape(dims);
      }
    }
    ctx.setOutput(0, t, out);
    FftPlans plans = new FftPlans();
    return exec -> execute(exec, plans, axisValue, inverse, onesided);
  }

  private static void checkRank(
      int rank, java.util.function.Function<String, dev.ledge.LedgeException> error) {
    if (rank < 2) {
      throw error.apply(
          "the input must have rank >= 2 ([signal dims..., 1 or 2]), got rank " + rank);
    }
  }

  /** The axis normalized into [0, rank - 2]; the last dim (real/imaginary) is not an axis. */
  private static int axis(
      long axis, int rank, java.util.function.Function<String, dev.ledge.LedgeException> error) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a > rank - 2) {
      throw error.apply(
          "axis "
              + axis
              + " is out of range for an input of rank "
              + rank
              + " (expected "
              + -rank
              + "..-2 or 0.."
              + (rank - 2)
              + "; the last dim holds real and imaginary parts)");
    }
    return (int) a;
  }

  /** The transform length L from dft_length (or null) and the input's axis length n. */
  private static long transformLength(
      Long dftLength,
      long n,
      boolean inverse,
      boolean onesided,
      java.util.function.Function<String, dev.ledge.LedgeException> error) {
    long l = dftLength != null ? dftLength : inverse && onesided ? 2 * (n - 1) : n;
    if (l < 1 || l > Fft.MAX_LENGTH) {
      throw error.apply(
          (dftLength != null ? "dft_length" : "the transform length")
              + " must be in 1.."
              + Fft.MAX_LENGTH
              + ", got "
              + l
              + (dftLength == null && inverse && onesided
                  ? " (2 * (" + n + " - 1) for a one-sided inverse)"
                  : ""));
    }
    return l;
  }

  private static void execute(
      ExecContext exec, FftPlans plans, Long axisValue, boolean inverse, boolean onesided) {
    Tensor x = exec.input(0);
    int[] shape = x.shape();
    int rank = shape.length;
    checkRank(rank, exec::error);
    int channels = shape[rank - 1];
    if (channels != 1 && channels != 2) {
      throw exec.error(
          "the last dim of the input must be 1 (real) or 2 (complex), got "
              + java.util.Arrays.toString(shape));
    }
    long axisArg =
        axisValue != null ? axisValue : Scalars.integer(exec.input(2), "axis", exec::error);
    int axis = axis(axisArg, rank, exec::error);
    Long dftLength =
        exec.hasInput(1) ? Scalars.integer(exec.input(1), "dft_length", exec::error) : null;
    int n = shape[axis];
    int len = (int) transformLength(dftLength, n, inverse, onesided, exec::error);
    boolean irfft = inverse && onesided;
    int outLen = irfft || inverse || !onesided ? len : len / 2 + 1;
    int outChannels = irfft ? 1 : 2;
    int[] outShape = shape.clone();
    outShape[axis] = outLen;
    outShape[rank - 1] = outChannels;
    Tensor y = exec.output(0, x.dtype(), outShape);
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= shape[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < rank - 1; i++) {
      inner *= shape[i];
    }
    Fft fft = plans.plan(len);
    double[] scratch = new double[fft.scratchSize()];
    double[] re = new double[len];
    double[] im = new double[len];
    // Input values used along the axis: all L for a full transform, L/2 + 1 bins for irfft.
    int used = Math.min(n, irfft ? len / 2 + 1 : len);
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        java.util.Arrays.fill(re, 0);
        java.util.Arrays.fill(im, 0);
        for (int j = 0; j < used; j++) {
          int e = ((o * n + j) * inner + i) * channels;
          re[j] = x.getDouble(e);
          im[j] = channels == 2 ? x.getDouble(e + 1) : 0;
        }
        if (irfft) {
          hermitianExtend(re, im, len);
        }
        fft.transform(re, im, inverse, scratch);
        double scale = inverse ? 1.0 / len : 1.0;
        for (int j = 0; j < outLen; j++) {
          int e = ((o * outLen + j) * inner + i) * outChannels;
          y.setDouble(e, re[j] * scale);
          if (outChannels == 2) {
            y.setDouble(e + 1, im[j] * scale);
          }
        }
      }
    }
  }

  /**
   * Completes bins {@code 0 .. len/2} to a full spectrum with {@code X[len - k] = conj(X[k])},
   * dropping the imaginary parts of bin 0 and (even len) bin len/2, so the inverse is real.
   */
  private static void hermitianExtend(double[] re, double[] im, int len) {
    im[0] = 0;
    if (len % 2 == 0) {
      im[len / 2] = 0;
    }
    for (int k = 1; k < (len + 1) / 2; k++) {
      re[len - k] = re[k];
      im[len - k] = -im[k];
    }
  }
}
