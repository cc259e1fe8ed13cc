package dev.ledge.kernels;

import java.util.Locale;

/**
 * Scalar float32 gate math of the ONNX recurrent operators (LSTM, GRU, RNN): one time step of one
 * batch row of one direction. The operators in {@code dev.ledge.ops.rnn} loop over steps, rows and
 * directions and call these; a SIMD version can replace them behind the same signatures.
 *
 * <p>Gate layouts are ONNX's: LSTM {@code iofc}, GRU {@code zrh}, RNN a single gate. Bias arrays
 * hold {@code [Wb, Rb]} as in the ONNX {@code B} input. The order of float operations follows ONNX
 * Runtime's CPU kernels: the recurrent product is added to the input product, then peepholes, then
 * the summed biases, then the clip.
 */
public final class ReferenceRnn {
  private ReferenceRnn() {}

  /** The activation functions the ONNX recurrent operators accept. */
  public enum Function {
    SIGMOID("Sigmoid", false, false),
    TANH("Tanh", false, false),
    RELU("Relu", false, false),
    AFFINE("Affine", true, true),
    LEAKY_RELU("LeakyRelu", true, false),
    THRESHOLDED_RELU("ThresholdedRelu", true, false),
    SCALED_TANH("ScaledTanh", true, true),
    HARD_SIGMOID("HardSigmoid", true, true),
    ELU("Elu", true, false),
    SOFTSIGN("Softsign", false, false),
    SOFTPLUS("Softplus", false, false);

    private final String onnxName;
    private final boolean usesAlpha;
    private final boolean usesBeta;

    Function(String onnxName, boolean usesAlpha, boolean usesBeta) {
      this.onnxName = onnxName;
      this.usesAlpha = usesAlpha;
      this.usesBeta = usesBeta;
    }

    /** The ONNX spelling, e.g. {@code LeakyRelu}. */
    public String onnxName() {
      return onnxName;
    }

    /** True if the function reads {@code alpha}. */
    public boolean usesAlpha() {
      return usesAlpha;
    }

    /** True if the function reads {@code beta}. */
    public boolean usesBeta() {
      return usesBeta;
    }

    /** The function of an ONNX name (case-insensitive, as ONNX Runtime accepts), or null. */
    public static Function fromOnnx(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      for (Function f : values()) {
        if (f.onnxName.toLowerCase(Locale.ROOT).equals(n)) {
          return f;
        }
      }
      return null;
    }
  }

  /**
   * An activation with its parameters.
   *
   * @param function the function
   * @param alpha its alpha (ignored by functions without one)
   * @param beta its beta (ignored by functions without one)
   */
  public record Activation(Function function, float alpha, float beta) {
    /** The function's value at {@code x}, computed in double and rounded once to float. */
    public float apply(float x) {
      return switch (function) {
        case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-(double) x)));
        case TANH -> (float) Math.tanh(x);
        case RELU -> x > 0 ? x : 0f;
        case AFFINE -> alpha * x + beta;
        case LEAKY_RELU -> x >= 0 ? x : alpha * x;
        case THRESHOLDED_RELU -> x > alpha ? x : 0f;
        case SCALED_TANH -> alpha * (float) Math.tanh(beta * x);
        case HARD_SIGMOID -> Math.max(0f, Math.min(1f, alpha * x + beta));
        case ELU -> x >= 0 ? x : (float) (alpha * Math.expm1(x));
        case SOFTSIGN -> x / (1f + Math.abs(x));
        // Stable form of log(1 + e^x): exact for large |x| where e^x overflows.
        case SOFTPLUS -> (float) (Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs((double) x))));
      };
    }
  }

  /**
   * {@code y[yOff + r] = sum_c w[wOff + r * cols + c] * x[xOff + c]} for {@code r < rows}: a
   * row-major matrix times a vector (the ONNX weights are stored as {@code W}, so this is {@code x
   * W^T}).
   */
  public static void matVec(
      float[] w, int wOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    for (int r = 0; r < rows; r++) {
      int row = wOff + r * cols;
      float acc = 0f;
      for (int c = 0; c < cols; c++) {
        acc += w[row + c] * x[xOff + c];
      }
      y[yOff + r] = acc;
    }
  }

  private static float clip(float x, float clip) {
    if (x > clip) {
      return clip;
    }
    return x < -clip ? -clip : x;
  }

  /**
   * One LSTM step.
   *
   * @param xw {@code x W^T} for this row, {@code 4 * hidden} values in {@code iofc} order
   * @param hr {@code h R^T} for this row, same layout
   * @param bias the direction's {@code [Wb, Rb]} ({@code 8 * hidden} values from {@code biasOff}),
   *     or null
   * @param peephole the direction's {@code [Pi, Po, Pf]} ({@code 3 * hidden} from {@code
   *     peepholeOff}), or null
   * @param c the cell state, {@code hidden} values, updated in place
   * @param h receives the new hidden state ({@code hidden} values)
   * @param clip the cell clip threshold, or {@link Float#POSITIVE_INFINITY} for none
   * @param inputForget couple the input and forget gates ({@code f = 1 - i})
   */
  public static void lstmCell(
      float[] xw,
      float[] hr,
      float[] bias,
      int biasOff,
      float[] peephole,
      int peepholeOff,
      float[] c,
      float[] h,
      int hidden,
      Activation f,
      Activation g,
      Activation hAct,
      float clip,
      boolean inputForget) {
    int o = hidden;
    int fo = 2 * hidden;
    int co = 3 * hidden;
    int rb = 4 * hidden;
    for (int j = 0; j < hidden; j++) {
      float cPrev = c[j];
      float iPre = xw[j] + hr[j];
      if (peephole != null) {
        iPre += peephole[peepholeOff + j] * cPrev;
      }
      if (bias != null) {
        iPre += bias[biasOff + j] + bias[biasOff + rb + j];
      }
      float i = f.apply(clip(iPre, clip));
      float fg;
      if (inputForget) {
        fg = 1f - i;
      } else {
        float fPre = xw[fo + j] + hr[fo + j];
        if (peephole != null) {
          fPre += peephole[peepholeOff + 2 * hidden + j] * cPrev;
        }
        if (bias != null) {
          fPre += bias[biasOff + fo + j] + bias[biasOff + rb + fo + j];
        }
        fg = f.apply(clip(fPre, clip));
      }
      float cPre = xw[co + j] + hr[co + j];
      if (bias != null) {
        cPre += bias[biasOff + co + j] + bias[biasOff + rb + co + j];
      }
      float cc = g.apply(clip(cPre, clip));
      float cNew = cPrev * fg + i * cc;
      float oPre = xw[o + j] + hr[o + j];
      if (peephole != null) {
        oPre += peephole[peepholeOff + hidden + j] * cNew;
      }
      if (bias != null) {
        oPre += bias[biasOff + o + j] + bias[biasOff + rb + o + j];
      }
      float og = f.apply(clip(oPre, clip));
      c[j] = cNew;
      h[j] = og * hAct.apply(cNew);
    }
  }

  /**
   * One GRU step.
   *
   * @param xw {@code x W^T} for this row, {@code 3 * hidden} values in {@code zrh} order
   * @param r the recurrence weights array; the direction's {@code [3 * hidden, hidden]} matrix
   *     starts at {@code rOff}
   * @param bias the direction's {@code [Wb, Rb]} ({@code 6 * hidden} from {@code biasOff}), or null
   * @param hPrev the previous hidden state ({@code hidden} values)
   * @param hNew receives the new hidden state (may not alias {@code hPrev})
   * @param scratch at least {@code 4 * hidden} floats
   * @param clip the clip threshold, or {@link Float#POSITIVE_INFINITY} for none
   * @param linearBeforeReset apply the linear transformation before multiplying by the reset gate
   */
  public static void gruCell(
      float[] xw,
      float[] r,
      int rOff,
      float[] bias,
      int biasOff,
      float[] hPrev,
      float[] hNew,
      float[] scratch,
      int hidden,
      Activation f,
      Activation g,
      float clip,
      boolean linearBeforeReset) {
    int rb = 3 * hidden;
    // scratch: [0, 2H) h R_zr^T, then z overwrites [0, H) and r [H, 2H); [2H, 3H) h~ input; [3H,
    // 4H)
    matVec(r, rOff, 2 * hidden, hidden, hPrev, 0, scratch, 0);
    for (int j = 0; j < 2 * hidden; j++) {
      float pre = xw[j] + scratch[j];
      if (bias != null) {
        pre += bias[biasOff + j] + bias[biasOff + rb + j];
      }
      scratch[j] = f.apply(clip(pre, clip));
    }
    int hh = 2 * hidden;
    int rowsH = rOff + 2 * hidden * hidden;
    if (linearBeforeReset) {
      matVec(r, rowsH, hidden, hidden, hPrev, 0, scratch, hh);
      for (int j = 0; j < hidden; j++) {
        float rec = scratch[hh + j];
        if (bias != null) {
          rec += bias[biasOff + rb + hh + j];
        }
        float pre = xw[hh + j] + scratch[hidden + j] * rec;
        if (bias != null) {
          pre += bias[biasOff + hh + j];
        }
        scratch[3 * hidden + j] = pre;
      }
    } else {
      for (int j = 0; j < hidden; j++) {
        scratch[3 * hidden + j] = scratch[hidden + j] * hPrev[j];
      }
      matVec(r, rowsH, hidden, hidden, scratch, 3 * hidden, scratch, hh);
      for (int j = 0; j < hidden; j++) {
        float pre = xw[hh + j] + scratch[hh + j];
        if (bias != null) {
          pre += bias[biasOff + rb + hh + j] + bias[biasOff + hh + j];
        }
        scratch[3 * hidden + j] = pre;
      }
    }
    for (int j = 0; j < hidden; j++) {
      float z = scratch[j];
      float ht = g.apply(clip(scratch[3 * hidden + j], clip));
      hNew[j] = (1f - z) * ht + z * hPrev[j];
    }
  }

  /**
   * One simple RNN step: {@code h = f(x W^T + h R^T + Wb + Rb)}.
   *
   * @param xw {@code x W^T} for this row ({@code hidden} values)
   * @param hr {@code h R^T} for this row
   * @param bias the direction's {@code [Wb, Rb]} ({@code 2 * hidden} from {@code biasOff}), or null
   * @param h receives the new hidden state
   */
  public static void rnnCell(
      float[] xw,
      float[] hr,
      float[] bias,
      int biasOff,
      float[] h,
      int hidden,
      Activation f,
      float clip) {
    for (int j = 0; j < hidden; j++) {
      float pre = xw[j] + hr[j];
      if (bias != null) {
        pre += bias[biasOff + j] + bias[biasOff + hidden + j];
      }
      h[j] = f.apply(clip(pre, clip));
    }
  }
}
