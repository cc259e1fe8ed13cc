package dev.ledge.train.autograd;

/** Rules of the recurrent ops (LSTM, GRU). */
final class RecurrentRules {
  private RecurrentRules() {}

  static void register(GradientRules r) {
    // Filled in with the LSTM and GRU backward kernels.
  }
}
