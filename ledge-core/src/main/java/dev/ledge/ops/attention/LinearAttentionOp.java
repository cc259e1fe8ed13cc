package dev.ledge.ops.attention;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * LinearAttention (opset 27): recurrent linear attention over {@code (batch, seq, heads*dim)}
 * inputs with a per-KV-head state {@code S (d_k x d_v)}. Per step t: {@code S *= exp(decay_t)}
 * (update rules gated, gated_delta); {@code v_t = beta_t (v_t - S^T (erase_t * k_t))} (delta,
 * gated_delta); {@code S += k_t v_t^T}; {@code o_t = scale * q_t S} for every query head of the
 * group (query head h reads KV head h / (q_num_heads / kv_num_heads)). Returns the outputs and the
 * final state ({@code present_state}, of the type of {@code past_state}, else of {@code query}).
 * The state is kept in double; {@code chunk_size} is a tuning hint with no effect on results.
 */
final class LinearAttentionOp implements Operator {
  private record Config(int qHeads, int kvHeads, double scaleAttr, boolean gating, boolean delta) {}

  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 27) {
      throw ctx.error(
          "LinearAttention exists from opset 27, the model imports " + ctx.opsetVersion());
    }
    ctx.requireInputCount(3, 7);
    DType t = ctx.requireInputType(0, FloatIo.FLOAT_TYPES);
    for (int i = 1; i < 7; i++) {
      if (i < 3 || ctx.hasInput(i)) {
        ctx.requireInputType(i, FloatIo.FLOAT_TYPES);
      }
    }
    long qHeads = ctx.attrInt("q_num_heads", 0);
    long kvHeads = ctx.attrInt("kv_num_heads", 0);
    if (!ctx.hasAttr("q_num_heads") || !ctx.hasAttr("kv_num_heads")) {
      throw ctx.error("q_num_heads and kv_num_heads are required attributes");
    }
    if (qHeads <= 0 || kvHeads <= 0 || qHeads % kvHeads != 0 || qHeads > 1 << 20) {
      throw ctx.error(
          "q_num_heads ("
              + qHeads
              + ") must be a positive multiple of kv_num_heads ("
              + kvHeads
              + ")");
    }
    String rule = ctx.attrString("update_rule", "gated_delta");
    boolean gating;
    boolean delta;
    switch (rule) {
      case "linear" -> {
        gating = false;
        delta = false;
      }
      case "gated" -> {
        gating = true;
        delta = false;
      }
      case "delta" -> {
        gating = false;
        delta = true;
      }
      case "gated_delta" -> {
        gating = true;
        delta = true;
      }
      default ->
          throw ctx.error(
              "update_rule '"
                  + rule
                  + "' is not valid, expected linear, gated, delta or gated_delta");
    }
    if (gating != ctx.hasInput(4)) {
      throw ctx.error(
          "update_rule '" + rule + "' " + (gating ? "requires" : "forbids") + " the decay input");
    }
    if (delta != ctx.hasInput(5)) {
      throw ctx.error(
          "update_rule '" + rule + "' " + (delta ? "requires" : "forbids") + " the beta input");
    }
    if (ctx.hasInput(6) && !delta) {
      throw ctx.error("update_rule '" + rule + "' forbids the erase_gate input");
    }
    double scale = ctx.attrFloat("scale", 0);
    Shape qs = ctx.inputShape(0);
    Shape vs = ctx.inputShape(2);
    Shape out = null;
    if (qs != null && vs != null && qs.rank() == 3 && vs.rank() == 3) {
      Dim dv = vs.dim(2);
      out =
          new Shape(
              List.of(
                  qs.dim(0),
                  qs.dim(1),
                  dv.isKnown() ? Dim.of(dv.value() / kvHeads * qHeads) : Dim.unknown()));
    }
    ctx.setOutput(0, t, out);
    DType stateType = ctx.hasInput(3) ? ctx.inputDType(3) : t;
    ctx.setOutput(1, stateType, null);
    Config cfg = new Config((int) qHeads, (int) kvHeads, scale, gating, delta);
    return exec -> run(exec, cfg);
  }

  private static void run(ExecContext ctx, Config cfg) {
    Tensor q = ctx.input(0);
    Tensor k = ctx.input(1);
    Tensor v = ctx.input(2);
    Tensor past = ctx.input(3);
    Tensor decay = ctx.input(4);
    Tensor beta = ctx.input(5);
    Tensor erase = ctx.input(6);
    int hq = cfg.qHeads();
    int hkv = cfg.kvHeads();
    if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3) {
      throw ctx.error(
          "query, key and value must have rank 3 (B, T, H*D), got "
              + Arrays.toString(q.shape())
              + ", "
              + Arrays.toString(k.shape())
              + ", "
              + Arrays.toString(v.shape()));
    }
    int b = q.dim(0);
    int steps = q.dim(1);
    if (q.dim(2) % hq != 0 || v.dim(2) % hkv != 0) {
      throw ctx.error(
          "query/value last dims "
              + q.dim(2)
              + "/"
              + v.dim(2)
              + " are not divisible by q_num_heads/kv_num_heads "
              + hq
              + "/"
              + hkv);
    }
    int dk = q.dim(2) / hq;
    int dv = v.dim(2) / hkv;
    if (!k.hasShape(b, steps, hkv * dk) || v.dim(0) != b || v.dim(1) != steps) {
      throw ctx.error(
          "key/value have shapes "
              + Arrays.toString(k.shape())
              + ", "
              + Arrays.toString(v.shape())
              + ", expected ["
              + b
              + ", "
              + steps
              + ", "
              + hkv * dk
              + "] and ["
              + b
              + ", "
              + steps
              + ", "
              + hkv
              + " * d_v]");
    }
    int decayWidth = 0;
    if (decay != null) {
      if (decay.rank() != 3
          || decay.dim(0) != b
          || decay.dim(1) != steps
          || (decay.dim(2) != hkv && decay.dim(2) != hkv * dk)) {
        throw ctx.error(
            "decay has shape "
                + Arrays.toString(decay.shape())
                + ", expected ["
                + b
                + ", "
                + steps
                + ", "
                + hkv
                + " or "
                + hkv * dk
                + "]");
      }
      decayWidth = decay.dim(2) == hkv * dk ? dk : 1;
    }
    int betaWidth = 0;
    if (beta != null) {
      if (beta.rank() != 3
          || beta.dim(0) != b
          || beta.dim(1) != steps
          || (beta.dim(2) != hkv && beta.dim(2) != 1)) {
        throw ctx.error(
            "beta has shape "
                + Arrays.toString(beta.shape())
                + ", expected ["
                + b
                + ", "
                + steps
                + ", "
                + hkv
                + " or 1]");
      }
      betaWidth = beta.dim(2);
    }
    if (erase != null && !erase.hasShape(b, steps, hkv * dk)) {
      throw ctx.error(
          "erase_gate has shape "
              + Arrays.toString(erase.shape())
              + ", expected ["
              + b
              + ", "
              + steps
              + ", "
              + hkv * dk
              + "]");
    }
    if (past != null && !past.hasShape(b, hkv, dk, dv)) {
      throw ctx.error(
          "past_state has shape "
              + Arrays.toString(past.shape())
              + ", expected ["
              + b
              + ", "
              + hkv
              + ", "
              + dk
              + ", "
              + dv
              + "]");
    }
    double scale = cfg.scaleAttr() == 0 ? 1.0 / Math.sqrt(dk) : cfg.scaleAttr();
    double[] qd = FloatIo.read(q);
    double[] kd = FloatIo.read(k);
    double[] vd = FloatIo.read(v);
    double[] gd = decay != null ? FloatIo.read(decay) : null;
    double[] bd = beta != null ? FloatIo.read(beta) : null;
    double[] ed = erase != null ? FloatIo.read(erase) : null;
    double[] state = past != null ? FloatIo.read(past) : new double[b * hkv * dk * dv];
    Tensor out = ctx.output(0, q.dtype(), new int[] {b, steps, hq * dv});
    double[] od = new double[out.size()];
    int group = hq / hkv;
    double[] vt = new double[dv];
    for (int bi = 0; bi < b; bi++) {
      for (int h = 0; h < hkv; h++) {
        int sBase = (bi * hkv + h) * dk * dv;
        for (int t = 0; t < steps; t++) {
          int row = bi * steps + t;
          int kBase = row * hkv * dk + h * dk;
          if (cfg.gating()) {
            for (int d = 0; d < dk; d++) {
              double g =
                  Math.exp(gd[row * hkv * decayWidth + h * decayWidth + (decayWidth == 1 ? 0 : d)]);
              for (int m = 0; m < dv; m++) {
                state[sBase + d * dv + m] *= g;
              }
            }
          }
          int vBase = row * hkv * dv + h * dv;
          System.arraycopy(vd, vBase, vt, 0, dv);
          if (cfg.delta()) {
            double bt = bd[row * betaWidth + (betaWidth == 1 ? 0 : h)];
            for (int m = 0; m < dv; m++) {
              double retrieved = 0;
              for (int d = 0; d < dk; d++) {
                double ke = ed != null ? ed[kBase + d] * kd[kBase + d] : kd[kBase + d];
                retrieved += state[sBase + d * dv + m] * ke;
              }
              vt[m] = bt * (vt[m] - retrieved);
            }
          }
          for (int d = 0; d < dk; d++) {
            double kv = kd[kBase + d];
            for (int m = 0; m < dv; m++) {
              state[sBase + d * dv + m] += kv * vt[m];
            }
          }
          for (int gq = 0; gq < group; gq++) {
            int qh = h * group + gq;
            int qBase = row * hq * dk + qh * dk;
            int oBase = row * hq * dv + qh * dv;
            for (int m = 0; m < dv; m++) {
              double acc = 0;
              for (int d = 0; d < dk; d++) {
                acc += qd[qBase + d] * state[sBase + d * dv + m];
              }
              od[oBase + m] = scale * acc;
            }
          }
        }
      }
    }
    FloatIo.write(od, out);
    DType stateType = past != null ? past.dtype() : q.dtype();
    FloatIo.write(state, ctx.output(1, stateType, new int[] {b, hkv, dk, dv}));
  }
}
