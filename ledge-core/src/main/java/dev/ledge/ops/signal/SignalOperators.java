package dev.ledge.ops.signal;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/** Signal processing: DFT, STFT, the Hann, Hamming and Blackman windows, MelWeightMatrix. */
public final class SignalOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("DFT", new DftOp());
    r.register("STFT", new StftOp());
    for (WindowOp.Kind kind : WindowOp.Kind.values()) {
      r.register(kind.opType(), new WindowOp(kind));
    }
    r.register("MelWeightMatrix", new MelWeightMatrixOp());
  }
}
