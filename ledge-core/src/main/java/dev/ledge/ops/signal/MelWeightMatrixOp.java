package dev.ledge.ops.signal;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;

/**
 * MelWeightMatrix (opset 17): a {@code [dft_length/2 + 1, num_mel_bins]} matrix of triangular
 * filters with peak 1, evenly spaced on the mel scale {@code mel(f) = 2595 log10(1 + f/700)}
 * between {@code lower_edge_hertz} and {@code upper_edge_hertz}.
 *
 * <p>The spec leaves the discretization open; this follows the ONNX reference implementation and
 * ONNX Runtime exactly: {@code num_mel_bins + 2} edge points are spaced by {@code (mel(upper) -
 * mel(lower)) / (num_mel_bins + 2)}, each edge goes to spectrogram bin {@code floor((dft_length +
 * 1) * hz / sample_rate)}, and filter {@code i} rises linearly from edge {@code i} to edge {@code
 * i+1} and falls to edge {@code i+2}. The two mel edges and the step are computed in the precision
 * of the hertz inputs (as the reference's arithmetic on those types does), the rest in double.
 * Edges that fall outside the spectrogram are an error.
 */
final class MelWeightMatrixOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(5, 5);
    for (int i = 0; i < 3; i++) {
      ctx.requireInputType(i, DType.INT32, DType.INT64);
    }
    DType hz = ctx.requireInputType(3, DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);
    DType hz2 =
        ctx.requireInputType(4, DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);
    if (hz != null && hz2 != null && hz != hz2) {
      throw ctx.error("lower_edge_hertz is " + hz + " but upper_edge_hertz is " + hz2);
    }
    DType out = Scalars.outputDatatype(ctx);
    Long mels = Scalars.constantInteger(ctx, 0, "num_mel_bins");
    Long dft = Scalars.constantInteger(ctx, 1, "dft_length");
    ctx.setOutput(
        0,
        out,
        Shape.of(
            new long[] {
              dft != null && dft >= 1 ? dft / 2 + 1 : -1, mels != null && mels >= 0 ? mels : -1
            }));
    return exec -> execute(exec, out);
  }

  private static void execute(ExecContext exec, DType out) {
    long mels = Scalars.integer(exec.input(0), "num_mel_bins", exec::error);
    long dft = Scalars.integer(exec.input(1), "dft_length", exec::error);
    long rate = Scalars.integer(exec.input(2), "sample_rate", exec::error);
    Tensor lowT = exec.input(3);
    double low = Scalars.real(lowT, "lower_edge_hertz", exec::error);
    double high = Scalars.real(exec.input(4), "upper_edge_hertz", exec::error);
    if (mels < 1 || dft < 1 || rate < 1) {
      throw exec.error(
          "num_mel_bins, dft_length and sample_rate must be >= 1, got "
              + mels
              + ", "
              + dft
              + ", "
              + rate);
    }
    if (!(low >= 0) || !(high >= low)) {
      throw exec.error(
          "expected 0 <= lower_edge_hertz <= upper_edge_hertz, got " + low + " and " + high);
    }
    long rows = dft / 2 + 1;
    Shapes.size(new long[] {rows, mels});
    DType p = lowT.dtype();
    double lowMel = melOf(low, p);
    double highMel = melOf(high, p);
    double step = round((highMel - lowMel) / (mels + 2), p);
    int points = (int) mels + 2;
    long[] bin = new long[points];
    for (int i = 0; i < points; i++) {
      double mel = i * step + lowMel;
      double f = 700 * (Math.pow(10, mel / 2595) - 1);
      bin[i] = (long) Math.floor((dft + 1) * f / rate);
      if (bin[i] < 0 || bin[i] >= rows) {
        throw exec.error(
            "mel edge "
                + i
                + " falls in spectrogram bin "
                + bin[i]
                + ", outside 0.."
                + (rows - 1)
                + " (is upper_edge_hertz "
                + high
                + " above sample_rate / 2 = "
                + rate / 2.0
                + "?)");
      }
    }
    int m = (int) mels;
    double[] w = new double[(int) rows * m];
    for (int i = 0; i < m; i++) {
      int left = (int) bin[i];
      int center = (int) bin[i + 1];
      int right = (int) bin[i + 2];
      if (center == left) {
        w[center * m + i] = 1;
      } else {
        for (int j = left; j <= center; j++) {
          w[j * m + i] = (double) (j - left) / (center - left);
        }
      }
      for (int j = center; j < right; j++) {
        w[j * m + i] = (double) (right - j) / (right - center);
      }
    }
    Tensor y = exec.output(0, out, new int[] {(int) rows, m});
    for (int i = 0; i < w.length; i++) {
      y.setDouble(i, w[i]);
    }
  }

  /** mel(f) = 2595 log10(1 + f / 700), each operation rounded to precision {@code p}. */
  private static double melOf(double hz, DType p) {
    double v = round(hz / 700, p);
    v = round(1 + v, p);
    v = round(Math.log10(v), p);
    return round(2595 * v, p);
  }

  private static double round(double v, DType p) {
    return switch (p) {
      case FLOAT64 -> v;
      case FLOAT32 -> (float) v;
      case FLOAT16 -> FloatFormats.f16ToFloat(FloatFormats.floatToF16((float) v));
      case BFLOAT16 -> FloatFormats.bf16ToFloat(FloatFormats.floatToBf16((float) v));
      default -> throw new IllegalArgumentException("not a float type: " + p);
    };
  }
}
