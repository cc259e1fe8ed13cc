package dev.ledge.ops.rnn;

import dev.ledge.kernels.ReferenceRnn;
import dev.ledge.kernels.ReferenceRnn.Activation;
import dev.ledge.kernels.VectorRnn;
import dev.ledge.ops.OpContext;
import java.util.List;

/** RNN (opsets 1, 7, 14, 22): {@code h = f(x W^T + h R^T + Wb + Rb)}, f defaults to Tanh. */
final class RnnOp extends RecurrentOp {
  @Override
  int gates() {
    return 1;
  }

  @Override
  List<String> defaultActivations() {
    return List.of("Tanh");
  }

  @Override
  CellFactory prepareCell(OpContext ctx, Config config) {
    float clip = config.clip();
    return (weights, d) -> {
      Activation f = config.activations()[d][0];
      int hidden = weights.hidden();
      int input = weights.input();
      float[] ws = weights.w().floats();
      int wOff = weights.w().offset() + d * hidden * input;
      float[] rs = weights.r().floats();
      int rOff = weights.r().offset() + d * hidden * hidden;
      float[] bias = weights.b() == null ? null : weights.b().floats();
      int biasOff = bias == null ? 0 : weights.b().offset() + d * 2 * hidden;
      float[] xw = new float[hidden];
      float[] hr = new float[hidden];
      return (x, xOff, h, c) -> {
        VectorRnn.matVec(ws, wOff, hidden, input, x, xOff, xw, 0);
        VectorRnn.matVec(rs, rOff, hidden, hidden, h, 0, hr, 0);
        ReferenceRnn.rnnCell(xw, hr, bias, biasOff, h, hidden, f, clip);
      };
    };
  }
}
