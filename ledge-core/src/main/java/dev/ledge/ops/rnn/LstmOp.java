package dev.ledge.ops.rnn;

import dev.ledge.kernels.ReferenceRnn;
import dev.ledge.kernels.ReferenceRnn.Activation;
import dev.ledge.kernels.VectorRnn;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * LSTM (opsets 1, 7, 14, 22): gates {@code iofc}, optional peepholes {@code P} ({@code iof}),
 * {@code input_forget}. Activations per direction: f (gates), g (cell input), h (cell output).
 */
final class LstmOp extends RecurrentOp {
  @Override
  int gates() {
    return 4;
  }

  @Override
  List<String> defaultActivations() {
    return List.of("Sigmoid", "Tanh", "Tanh");
  }

  @Override
  boolean hasCellState() {
    return true;
  }

  @Override
  CellFactory prepareCell(OpContext ctx, Config config) {
    long inputForget = ctx.attrInt("input_forget", 0);
    if (inputForget != 0 && inputForget != 1) {
      throw ctx.error("attribute input_forget is " + inputForget + ", expected 0 or 1");
    }
    boolean coupled = inputForget == 1;
    float clip = config.clip();
    return (weights, d) -> {
      Activation[] a = config.activations()[d];
      int hidden = weights.hidden();
      int input = weights.input();
      int gateRows = 4 * hidden;
      Tensor w = weights.w();
      Tensor r = weights.r();
      float[] ws = w.floats();
      int wOff = w.offset() + d * gateRows * input;
      float[] rs = r.floats();
      int rOff = r.offset() + d * gateRows * hidden;
      float[] bias = weights.b() == null ? null : weights.b().floats();
      int biasOff = bias == null ? 0 : weights.b().offset() + d * 2 * gateRows;
      float[] peep = weights.p() == null ? null : weights.p().floats();
      int peepOff = peep == null ? 0 : weights.p().offset() + d * 3 * hidden;
      float[] xw = new float[gateRows];
      float[] hr = new float[gateRows];
      return (x, xOff, h, c) -> {
        VectorRnn.matVec(ws, wOff, gateRows, input, x, xOff, xw, 0);
        VectorRnn.matVec(rs, rOff, gateRows, hidden, h, 0, hr, 0);
        ReferenceRnn.lstmCell(
            xw, hr, bias, biasOff, peep, peepOff, c, h, hidden, a[0], a[1], a[2], clip, coupled);
      };
    };
  }
}
