package dev.ledge.train.autograd;

import java.util.ArrayList;
import java.util.List;

/** Rules of LSTM and GRU: backpropagation through time in one training-domain node. */
final class RecurrentRules {
  private RecurrentRules() {}

  private static final String[] COMMON = {
    "direction", "hidden_size", "layout", "clip", "activations"
  };

  static void register(GradientRules r) {
    r.register(
        "LSTM",
        c -> recurrent(c, "LSTMGrad", 8, 3, new int[] {0, 1, 2, 3, 5, 6, 7}, "input_forget"));
    r.register(
        "GRU",
        c -> recurrent(c, "GRUGrad", 6, 2, new int[] {0, 1, 2, 3, 5}, "linear_before_reset"));
  }

  private static void recurrent(
      GradContext c, String op, int inputs, int outputs, int[] gradInputs, String extraAttr) {
    List<String> in = new ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      in.add(c.input(i));
    }
    for (int i = 0; i < outputs; i++) {
      String g = c.outputGrad(i);
      in.add(g == null ? "" : g);
    }
    boolean[] wanted = new boolean[gradInputs.length];
    for (int k = 0; k < wanted.length; k++) {
      wanted[k] = c.needsGrad(gradInputs[k]);
    }
    String[] attrs = new String[COMMON.length + 1];
    System.arraycopy(COMMON, 0, attrs, 0, COMMON.length);
    attrs[COMMON.length] = extraAttr;
    String[] g = c.train(op, in, wanted, c.copyAttrs(attrs));
    for (int k = 0; k < wanted.length; k++) {
      c.setInputGrad(gradInputs[k], g[k]);
    }
  }
}
