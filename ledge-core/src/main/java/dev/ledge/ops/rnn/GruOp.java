package dev.ledge.ops.rnn;

import dev.ledge.kernels.ReferenceRnn;
import dev.ledge.kernels.ReferenceRnn.Activation;
import dev.ledge.kernels.VectorRnn;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * GRU (opsets 1, 3, 7, 14, 22): gates {@code zrh}, {@code linear_before_reset} (from opset 3).
 * Activations per direction: f (update and reset gates), g (hidden gate).
 */
final class GruOp extends RecurrentOp {
  @Override
  int gates() {
    return 3;
  }

  @Override
  List<String> defaultActivations() {
    return List.of("Sigmoid", "Tanh");
  }

  @Override
  CellFactory prepareCell(OpContext ctx, Config config) {
    long lbr = ctx.attrInt("linear_before_reset", 0);
    if (lbr != 0 && lbr != 1) {
      throw ctx.error("attribute linear_before_reset is " + lbr + ", expected 0 or 1");
    }
    if (lbr != 0 && ctx.opsetVersion() < 3) {
      throw ctx.error("attribute linear_before_reset exists from opset 3");
    }
    boolean linearBeforeReset = lbr == 1;
    float clip = config.clip();
    return (weights, d) -> {
      Activation[] a = config.activations()[d];
      int hidden = weights.hidden();
      int input = weights.input();
      int gateRows = 3 * hidden;
      Tensor w = weights.w();
      float[] ws = w.floats();
      int wOff = w.offset() + d * gateRows * input;
      float[] rs = weights.r().floats();
      int rOff = weights.r().offset() + d * gateRows * hidden;
      float[] bias = weights.b() == null ? null : weights.b().floats();
      int biasOff = bias == null ? 0 : weights.b().offset() + d * 2 * gateRows;
      float[] xw = new float[gateRows];
      float[] next = new float[hidden];
      float[] scratch = new float[4 * hidden];
      return (x, xOff, h, c) -> {
        VectorRnn.matVec(ws, wOff, gateRows, input, x, xOff, xw, 0);
        ReferenceRnn.gruCell(
            xw,
            rs,
            rOff,
            bias,
            biasOff,
            h,
            next,
            scratch,
            hidden,
            a[0],
            a[1],
            clip,
            linearBeforeReset);
        System.arraycopy(next, 0, h, 0, hidden);
      };
    };
  }
}
