package dev.ledge.ops.signal;

import dev.ledge.graph.Shape;
import dev.ledge.kernels.Fft;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * STFT (opset 17): the DFT of each frame of {@code frame_length} samples, taken every {@code
 * frame_step} samples of a real ({@code [batch, length, 1]}) or complex ({@code [batch, length,
 * 2]}) signal and multiplied by {@code window} (default all ones). {@code frame_length} defaults to
 * the window's length, or to the signal length without a window; given both, they must agree. There
 * are {@code floor((length - frame_length) / frame_step) + 1} frames; the output is {@code [batch,
 * frames, bins, 2]} with {@code bins = frame_length / 2 + 1} if {@code onesided} (the default) else
 * {@code frame_length}. Transforms run in double with {@link Fft}.
 */
final class StftOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 4);
    DType t = ctx.requireInputType(0, DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);
    ctx.requireInputType(1, DType.INT32, DType.INT64);
    if (ctx.hasInput(2)) {
      DType w =
          ctx.requireInputType(2, DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);
      if (w != null && t != null && w != t) {
        throw ctx.error("window has type " + w + ", expected the signal's type " + t);
      }
    }
    if (ctx.hasInput(3)) {
      ctx.requireInputType(3, DType.INT32, DType.INT64);
    }
    boolean onesided = ctx.attrInt("onesided", 1) != 0;
    Shape in = ctx.inputShape(0);
    if (in != null && in.rank() != 3) {
      throw ctx.error("signal must have shape [batch, length, 1 or 2], got " + in);
    }
    ctx.setOutput(0, t, in == null ? null : Shape.unknownDims(4));
    FftPlans plans = new FftPlans();
    return exec -> execute(exec, plans, onesided);
  }

  private static void execute(ExecContext exec, FftPlans plans, boolean onesided) {
    Tensor x = exec.input(0);
    int[] shape = x.shape();
    if (shape.length != 3 || (shape[2] != 1 && shape[2] != 2)) {
      throw exec.error(
          "signal must have shape [batch, length, 1 or 2], got " + Arrays.toString(shape));
    }
    int batch = shape[0];
    int length = shape[1];
    int channels = shape[2];
    long step = Scalars.integer(exec.input(1), "frame_step", exec::error);
    Tensor window = exec.input(2);
    if (window != null && window.rank() != 1) {
      throw exec.error("window must be 1-D, got shape " + Arrays.toString(window.shape()));
    }
    long frameLength;
    if (exec.hasInput(3)) {
      frameLength = Scalars.integer(exec.input(3), "frame_length", exec::error);
      if (window != null && window.dim(0) != frameLength) {
        throw exec.error(
            "window has " + window.dim(0) + " samples but frame_length is " + frameLength);
      }
    } else {
      frameLength = window != null ? window.dim(0) : length;
    }
    if (step < 1) {
      throw exec.error("frame_step must be >= 1, got " + step);
    }
    if (frameLength < 1 || frameLength > length || frameLength > Fft.MAX_LENGTH) {
      throw exec.error(
          "frame_length must be in 1.."
              + Math.min(length, Fft.MAX_LENGTH)
              + " (the signal has "
              + length
              + " samples), got "
              + frameLength);
    }
    int frame = (int) frameLength;
    int frames = (int) ((length - frameLength) / step + 1);
    int bins = onesided ? frame / 2 + 1 : frame;
    Tensor y = exec.output(0, x.dtype(), new int[] {batch, frames, bins, 2});
    double[] w = new double[frame];
    for (int j = 0; j < frame; j++) {
      w[j] = window == null ? 1 : window.getDouble(j);
    }
    Fft fft = plans.plan(frame);
    double[] scratch = new double[fft.scratchSize()];
    double[] re = new double[frame];
    double[] im = new double[frame];
    for (int b = 0; b < batch; b++) {
      for (int f = 0; f < frames; f++) {
        int start = (int) (f * step);
        for (int j = 0; j < frame; j++) {
          int e = (b * length + start + j) * channels;
          re[j] = x.getDouble(e) * w[j];
          im[j] = channels == 2 ? x.getDouble(e + 1) * w[j] : 0;
        }
        fft.transform(re, im, false, scratch);
        for (int k = 0; k < bins; k++) {
          int e = ((b * frames + f) * bins + k) * 2;
          y.setDouble(e, re[k]);
          y.setDouble(e + 1, im[k]);
        }
      }
    }
  }
}
