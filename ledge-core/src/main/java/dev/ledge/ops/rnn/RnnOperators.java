package dev.ledge.ops.rnn;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/** Recurrent layers: LSTM, GRU and RNN (every ai.onnx opset), float32. */
public final class RnnOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("LSTM", new LstmOp());
    r.register("GRU", new GruOp());
    r.register("RNN", new RnnOp());
  }
}
