package dev.ledge.ops.attention;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Attention (opsets 23 and 24): scaled dot-product attention over 3-D {@code (batch, seq,
 * heads*head_size)} or 4-D {@code (batch, heads, seq, head_size)} inputs, with grouped-query heads,
 * an optional boolean or additive mask (broadcast, last dim padded to the total length), causal
 * masking aligned bottom-right (offset by the past length, or per batch by {@code
 * nonpad_kv_seqlen}), a key/value cache (past in, present out), softcap and the optional {@code
 * qk_matmul_output}.
 *
 * <p>The order of operations follows the function body and the ONNX reference: {@code scores = (Q
 * K^T) * scale}, then softcap, then the mask bias, then softmax. {@code qk_matmul_output_mode}
 * selects 0: the raw scaled scores, 1: after softcap, 2: after the mask bias, 3: the softmax.
 * Scores and softmax are computed in double and rounded once to the output type, which is at least
 * as precise as any {@code softmax_precision} a model may ask for, except float16/bfloat16 ones
 * that are below the input precision: those are unsupported.
 *
 * <p>Matrix products are plain loops; a SIMD kernel may replace them behind the same contract.
 */
final class AttentionOp implements Operator {
  private record Config(
      boolean causal,
      int qHeadsAttr,
      int kvHeadsAttr,
      int outputMode,
      double scale,
      double softcap) {}

  @Override
  public Kernel prepare(OpContext ctx) {
    long version = ctx.opsetVersion();
    if (version < 23) {
      throw ctx.error("Attention exists from opset 23, the model imports " + version);
    }
    if (version > 24) {
      throw ctx.unsupported("Attention-" + version + " (Ledge implements Attention-23 and -24)");
    }
    ctx.requireInputCount(3, version >= 24 ? 7 : 6);
    DType qType = ctx.requireInputType(0, FloatIo.FLOAT_TYPES);
    DType kType = ctx.requireInputType(1, FloatIo.FLOAT_TYPES);
    DType vType = ctx.requireInputType(2, FloatIo.FLOAT_TYPES);
    if (qType != null && kType != null && qType != kType) {
      throw ctx.error("K has type " + kType + ", expected the type of Q (" + qType + ")");
    }
    if (ctx.hasInput(3)) {
      DType mt = ctx.inputDType(3);
      if (mt != null && mt != DType.BOOL && !isFloat(mt)) {
        throw ctx.unsupported("attn_mask of type " + mt + " (only bool or a float type)");
      }
    }
    if (ctx.hasInput(4) != ctx.hasInput(5)) {
      throw ctx.error("past_key and past_value must be given together");
    }
    if (ctx.hasInput(4)) {
      ctx.requireInputType(4, qType == null ? FloatIo.FLOAT_TYPES : new DType[] {qType});
      ctx.requireInputType(5, vType == null ? FloatIo.FLOAT_TYPES : new DType[] {vType});
    }
    if (ctx.hasInput(6)) {
      ctx.requireInputType(6, DType.INT64);
      if (ctx.hasInput(4)) {
        throw ctx.error("nonpad_kv_seqlen cannot be used together with past_key/past_value");
      }
    }
    if (ctx.outputCount() > 4) {
      throw ctx.error("has " + ctx.outputCount() + " outputs, expected 1..4");
    }
    if (ctx.hasOutput(1) != ctx.hasOutput(2)) {
      throw ctx.error("present_key and present_value must be requested together");
    }
    boolean causal = ctx.attrInt("is_causal", 0) != 0;
    long qHeads = ctx.attrInt("q_num_heads", 0);
    long kvHeads = ctx.attrInt("kv_num_heads", 0);
    if (qHeads < 0 || kvHeads < 0 || qHeads > 1 << 20 || kvHeads > 1 << 20) {
      throw ctx.error("q_num_heads/kv_num_heads are " + qHeads + "/" + kvHeads);
    }
    long mode = ctx.attrInt("qk_matmul_output_mode", 0);
    if (mode < 0 || mode > 3) {
      throw ctx.error("qk_matmul_output_mode is " + mode + ", expected 0, 1, 2 or 3");
    }
    double scale = ctx.hasAttr("scale") ? ctx.attrFloat("scale", 0) : Double.NaN;
    double softcap = ctx.attrFloat("softcap", 0);
    if (ctx.hasAttr("softmax_precision")) {
      long p = ctx.attrInt("softmax_precision", 1);
      DType sp;
      try {
        sp = DType.fromOnnx((int) p);
      } catch (RuntimeException e) {
        throw ctx.error("softmax_precision " + p + " is not a tensor element type");
      }
      boolean atLeastInput =
          sp == DType.FLOAT64
              || sp == DType.FLOAT32 && qType != DType.FLOAT64
              || (sp == qType && qType != null);
      if (!atLeastInput) {
        throw ctx.unsupported("softmax_precision " + sp + " for inputs of type " + qType);
      }
    }
    Shape qs = ctx.inputShape(0);
    Shape ks = ctx.inputShape(1);
    Shape vs = ctx.inputShape(2);
    int rank = qs != null ? qs.rank() : ks != null ? ks.rank() : vs != null ? vs.rank() : -1;
    for (Shape s : new Shape[] {qs, ks, vs}) {
      if (s != null && (s.rank() != rank || (rank != 3 && rank != 4))) {
        throw ctx.error(
            "Q, K and V must all have rank 3 or all rank 4, got " + qs + ", " + ks + ", " + vs);
      }
    }
    if (rank == 3 && (qHeads <= 0 || kvHeads <= 0)) {
      throw ctx.error("3-D inputs need the q_num_heads and kv_num_heads attributes");
    }
    declareOutputs(ctx, rank, (int) qHeads, (int) kvHeads, qType, vType);
    Config cfg = new Config(causal, (int) qHeads, (int) kvHeads, (int) mode, scale, softcap);
    return exec -> run(exec, cfg);
  }

  private static boolean isFloat(DType t) {
    for (DType f : FloatIo.FLOAT_TYPES) {
      if (f == t) {
        return true;
      }
    }
    return false;
  }

  private static Dim dim(Shape s, int i) {
    return s == null ? Dim.unknown() : s.dim(i);
  }

  private static Dim div(Dim d, int by) {
    return d.isKnown() && by > 0 && d.value() % by == 0 ? Dim.of(d.value() / by) : Dim.unknown();
  }

  private static Dim mul(Dim d, int by) {
    return d.isKnown() && by > 0 ? Dim.of(d.value() * by) : Dim.unknown();
  }

  private static Dim add(Dim a, Dim b) {
    return a.isKnown() && b.isKnown() ? Dim.of(a.value() + b.value()) : Dim.unknown();
  }

  private static void declareOutputs(
      OpContext ctx, int rank, int qHeads, int kvHeads, DType qType, DType vType) {
    if (rank < 0) {
      for (int i = 0; i < ctx.outputCount(); i++) {
        ctx.setOutput(i, i == 2 ? vType : qType, null);
      }
      return;
    }
    Shape qs = ctx.inputShape(0);
    Shape ks = ctx.inputShape(1);
    Shape vs = ctx.inputShape(2);
    Shape pk = ctx.inputShape(4);
    Dim batch = dim(qs, 0);
    Dim qLen = dim(qs, rank == 3 ? 1 : 2);
    Dim kvLen = dim(ks, rank == 3 ? 1 : 2);
    Dim hq = rank == 3 ? Dim.of(qHeads) : dim(qs, 1);
    Dim hkv = rank == 3 ? Dim.of(kvHeads) : dim(ks, 1);
    Dim dk = rank == 3 ? div(dim(ks, 2), kvHeads) : dim(ks, 3);
    Dim dv = rank == 3 ? div(dim(vs, 2), kvHeads) : dim(vs, 3);
    Dim past =
        ctx.hasInput(4) ? (pk != null && pk.rank() == 4 ? pk.dim(2) : Dim.unknown()) : Dim.of(0);
    Dim total = add(past, kvLen);
    Shape y =
        rank == 3
            ? new Shape(List.of(batch, qLen, mul(dv, qHeads)))
            : new Shape(List.of(batch, hq, qLen, dv));
    ctx.setOutput(0, qType, y);
    if (ctx.outputCount() > 1) {
      ctx.setOutput(1, qType, new Shape(List.of(batch, hkv, total, dk)));
    }
    if (ctx.outputCount() > 2) {
      ctx.setOutput(2, vType, new Shape(List.of(batch, hkv, total, dv)));
    }
    if (ctx.outputCount() > 3) {
      ctx.setOutput(3, qType, new Shape(List.of(batch, hq, qLen, total)));
    }
  }

  private static void run(ExecContext ctx, Config cfg) {
    Tensor q = ctx.input(0);
    Tensor k = ctx.input(1);
    Tensor v = ctx.input(2);
    Tensor mask = ctx.input(3);
    Tensor pastK = ctx.input(4);
    Tensor pastV = ctx.input(5);
    Tensor nonpad = ctx.input(6);
    int rank = q.rank();
    if (k.rank() != rank || v.rank() != rank || (rank != 3 && rank != 4)) {
      throw ctx.error(
          "Q, K, V have shapes "
              + Arrays.toString(q.shape())
              + ", "
              + Arrays.toString(k.shape())
              + ", "
              + Arrays.toString(v.shape())
              + ": expected all rank 3 or all rank 4");
    }
    int batch = q.dim(0);
    int hq;
    int hkv;
    int lq;
    int lkv;
    int dk;
    int dv;
    if (rank == 4) {
      hq = q.dim(1);
      lq = q.dim(2);
      dk = q.dim(3);
      hkv = k.dim(1);
      lkv = k.dim(2);
      dv = v.dim(3);
      if (k.dim(0) != batch
          || v.dim(0) != batch
          || k.dim(3) != dk
          || v.dim(1) != hkv
          || v.dim(2) != lkv) {
        throw shapeError(ctx, q, k, v);
      }
    } else {
      hq = cfg.qHeadsAttr();
      hkv = cfg.kvHeadsAttr();
      if (hq <= 0 || hkv <= 0) {
        throw ctx.error("3-D inputs need the q_num_heads and kv_num_heads attributes");
      }
      lq = q.dim(1);
      lkv = k.dim(1);
      if (q.dim(2) % hq != 0 || k.dim(2) % hkv != 0 || v.dim(2) % hkv != 0) {
        throw ctx.error(
            "hidden sizes "
                + q.dim(2)
                + ", "
                + k.dim(2)
                + ", "
                + v.dim(2)
                + " are not divisible by q_num_heads "
                + hq
                + " / kv_num_heads "
                + hkv);
      }
      dk = q.dim(2) / hq;
      dv = v.dim(2) / hkv;
      if (k.dim(0) != batch || v.dim(0) != batch || k.dim(2) / hkv != dk || v.dim(1) != lkv) {
        throw shapeError(ctx, q, k, v);
      }
    }
    if (hkv == 0 || hq % hkv != 0) {
      throw ctx.error("q_num_heads " + hq + " must be a positive multiple of kv_num_heads " + hkv);
    }
    int past = 0;
    if (pastK != null) {
      past = pastK.rank() == 4 ? pastK.dim(2) : -1;
      if (!pastK.hasShape(batch, hkv, past, dk) || !pastV.hasShape(batch, hkv, past, dv)) {
        throw ctx.error(
            "past_key/past_value have shapes "
                + Arrays.toString(pastK.shape())
                + ", "
                + Arrays.toString(pastV.shape())
                + ", expected ["
                + batch
                + ", "
                + hkv
                + ", past, "
                + dk
                + "] and [.., "
                + dv
                + "]");
      }
    }
    int total = past + lkv;
    long[] nonpadLen = null;
    if (nonpad != null) {
      if (!nonpad.hasShape(batch)) {
        throw ctx.error(
            "nonpad_kv_seqlen has shape "
                + Arrays.toString(nonpad.shape())
                + ", expected ["
                + batch
                + "]");
      }
      nonpadLen = nonpad.toLongArray();
    }

    // Q as (B, Hq, Lq, Dk); present K/V as (B, Hkv, T, D).
    double[] qd = toHeadMajor(FloatIo.read(q), rank, batch, hq, lq, dk);
    double[] kNew = toHeadMajor(FloatIo.read(k), rank, batch, hkv, lkv, dk);
    double[] vNew = toHeadMajor(FloatIo.read(v), rank, batch, hkv, lkv, dv);
    double[] kd = concatPast(pastK, kNew, batch, hkv, past, lkv, dk);
    double[] vd = concatPast(pastV, vNew, batch, hkv, past, lkv, dv);

    // Mask, broadcast to (B, Hq, Lq, Tm) with Tm <= T (the rest is padding: masked out).
    int[] maskStrides = null;
    int maskLen = 0;
    double[] md = null;
    if (mask != null) {
      int[] ms = mask.shape();
      if (ms.length < 1 || ms.length > 4) {
        throw ctx.error("attn_mask has shape " + Arrays.toString(ms) + ", expected rank 1..4");
      }
      maskLen = ms[ms.length - 1];
      int[] target = {batch, hq, lq, maskLen};
      for (int i = 0; i < ms.length; i++) {
        int t = target[4 - ms.length + i];
        if (ms[i] != 1 && ms[i] != t) {
          maskLen = -1;
        }
      }
      if (maskLen < 0 || maskLen > total) {
        throw ctx.error(
            "attn_mask has shape "
                + Arrays.toString(ms)
                + ", expected a shape broadcastable to ["
                + batch
                + ", "
                + hq
                + ", "
                + lq
                + ", <= "
                + total
                + "]");
      }
      maskStrides = Shapes.broadcastStrides(ms, target);
      if (mask.dtype() != DType.BOOL && !isFloat(mask.dtype())) {
        throw ctx.error("attn_mask has type " + mask.dtype() + ", expected bool or a float type");
      }
      md = mask.dtype() == DType.BOOL ? null : FloatIo.read(mask);
    }

    double scale = Double.isNaN(cfg.scale()) ? 1.0 / Math.sqrt(dk) : cfg.scale();
    int group = hq / hkv;
    boolean wantPresent = ctx.hasOutput(1);
    boolean wantQk = ctx.outputCount() > 3 && ctx.hasOutput(3);
    int[] yShape = rank == 4 ? new int[] {batch, hq, lq, dv} : new int[] {batch, lq, hq * dv};
    Tensor y = ctx.output(0, q.dtype(), yShape);
    double[] yd = new double[y.size()];
    double[] qkd = wantQk ? new double[Math.multiplyExact(batch * hq * lq, total)] : null;
    double[] scores = new double[total];
    double[] raw = new double[total];
    double[] bias = new double[total];
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < hq; h++) {
        int kvh = h / group;
        int kBase = (b * hkv + kvh) * total;
        for (int i = 0; i < lq; i++) {
          int qBase = ((b * hq + h) * lq + i) * dk;
          maskRow(cfg, mask, md, maskStrides, maskLen, b, h, i, total, past, lq, nonpadLen, bias);
          for (int j = 0; j < total; j++) {
            int kRow = (kBase + j) * dk;
            double dot = 0;
            for (int d = 0; d < dk; d++) {
              dot += qd[qBase + d] * kd[kRow + d];
            }
            double s = dot * scale;
            raw[j] = s;
            if (cfg.softcap() > 0) {
              s = cfg.softcap() * Math.tanh(s / cfg.softcap());
            }
            scores[j] = s;
          }
          if (wantQk && cfg.outputMode() < 3) {
            int o = ((b * hq + h) * lq + i) * total;
            for (int j = 0; j < total; j++) {
              qkd[o + j] =
                  switch (cfg.outputMode()) {
                    case 0 -> raw[j];
                    case 1 -> scores[j];
                    default -> scores[j] + bias[j];
                  };
            }
          }
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < total; j++) {
            scores[j] += bias[j];
            max = Math.max(max, scores[j]);
          }
          double sum = 0;
          for (int j = 0; j < total; j++) {
            // A fully masked row gives NaN, as in the reference (-inf - -inf).
            scores[j] = Math.exp(scores[j] - max);
            sum += scores[j];
          }
          for (int j = 0; j < total; j++) {
            scores[j] /= sum;
          }
          if (wantQk && cfg.outputMode() == 3) {
            System.arraycopy(scores, 0, qkd, ((b * hq + h) * lq + i) * total, total);
          }
          int yBase = rank == 4 ? ((b * hq + h) * lq + i) * dv : (b * lq + i) * hq * dv + h * dv;
          for (int d = 0; d < dv; d++) {
            double acc = 0;
            for (int j = 0; j < total; j++) {
              acc += scores[j] * vd[(kBase + j) * dv + d];
            }
            yd[yBase + d] = acc;
          }
        }
      }
    }
    FloatIo.write(yd, y);
    if (wantPresent) {
      FloatIo.write(kd, ctx.output(1, k.dtype(), new int[] {batch, hkv, total, dk}));
      FloatIo.write(vd, ctx.output(2, v.dtype(), new int[] {batch, hkv, total, dv}));
    }
    if (wantQk) {
      FloatIo.write(qkd, ctx.output(3, q.dtype(), new int[] {batch, hq, lq, total}));
    }
  }

  /** The additive bias of one query row: mask (padded with -inf), causal and padding masks. */
  private static void maskRow(
      Config cfg,
      Tensor mask,
      double[] md,
      int[] ms,
      int maskLen,
      int b,
      int h,
      int i,
      int total,
      int past,
      int lq,
      long[] nonpad,
      double[] bias) {
    Arrays.fill(bias, 0);
    if (mask != null) {
      int base = b * ms[0] + h * ms[1] + i * ms[2];
      for (int j = 0; j < total; j++) {
        if (j >= maskLen) {
          bias[j] = Double.NEGATIVE_INFINITY;
        } else if (md == null) {
          bias[j] = mask.getBoolean(base + j * ms[3]) ? 0 : Double.NEGATIVE_INFINITY;
        } else {
          bias[j] = md[base + j * ms[3]];
        }
      }
    }
    if (cfg.causal()) {
      // Bottom-right aligned: query i sees keys j <= i + offset.
      long offset = nonpad != null ? nonpad[b] - lq : past;
      for (int j = 0; j < total; j++) {
        if (j > i + offset) {
          bias[j] += Double.NEGATIVE_INFINITY;
        }
      }
    }
    if (nonpad != null) {
      for (int j = 0; j < total; j++) {
        if (j >= nonpad[b]) {
          bias[j] += Double.NEGATIVE_INFINITY;
        }
      }
    }
  }

  private static RuntimeException shapeError(ExecContext ctx, Tensor q, Tensor k, Tensor v) {
    return ctx.error(
        "Q, K, V have inconsistent shapes "
            + Arrays.toString(q.shape())
            + ", "
            + Arrays.toString(k.shape())
            + ", "
            + Arrays.toString(v.shape()));
  }

  /** (B, L, H*D) to (B, H, L, D); 4-D data is already head-major. */
  private static double[] toHeadMajor(double[] x, int rank, int b, int h, int l, int d) {
    if (rank == 4) {
      return x;
    }
    double[] r = new double[x.length];
    for (int bi = 0; bi < b; bi++) {
      for (int li = 0; li < l; li++) {
        for (int hi = 0; hi < h; hi++) {
          System.arraycopy(x, ((bi * l + li) * h + hi) * d, r, ((bi * h + hi) * l + li) * d, d);
        }
      }
    }
    return r;
  }

  /** Concatenates the cache and the new rows along the sequence axis: (B, H, P + L, D). */
  private static double[] concatPast(
      Tensor pastT, double[] now, int b, int h, int past, int l, int d) {
    if (pastT == null) {
      return now;
    }
    double[] p = FloatIo.read(pastT);
    int total = past + l;
    double[] r = new double[Math.multiplyExact(b * h * total, d)];
    for (int bh = 0; bh < b * h; bh++) {
      System.arraycopy(p, bh * past * d, r, bh * total * d, past * d);
      System.arraycopy(now, bh * l * d, r, (bh * total + past) * d, l * d);
    }
    return r;
  }
}
