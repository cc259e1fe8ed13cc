package dev.ledge.ops.attention;

import dev.ledge.graph.Graph;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.Subgraph;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * FlexAttention (domain ai.onnx.preview, version 1): scaled dot-product attention over rank-4
 * inputs whose score tensor {@code (B, Hq, L, S)} may be rewritten by a {@code score_mod} subgraph
 * before the softmax and whose probabilities may be rewritten by a {@code prob_mod} subgraph after
 * it. Query head h uses K/V head {@code h / (Hq / Hkv)}.
 *
 * <p>As in the op's function body, scores, subgraph tensors and the softmax use float32 for
 * float16/bfloat16/float32 inputs and float64 for float64 inputs; the default scale {@code
 * 1/sqrt(head_size)} is computed in float32.
 */
final class FlexAttentionOp implements Operator {
  private static final Set<String> ATTRIBUTES = Set.of("scale", "score_mod", "prob_mod");

  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() != 1) {
      throw ctx.unsupported(
          "FlexAttention of ai.onnx.preview version " + ctx.opsetVersion() + " (only 1)");
    }
    for (String a : ctx.node().attributes().keySet()) {
      if (!ATTRIBUTES.contains(a)) {
        throw ctx.unsupported("attribute '" + a + "'");
      }
    }
    ctx.requireInputCount(3, 3);
    DType t = ctx.requireInputType(0, FloatIo.FLOAT_TYPES);
    for (int i = 1; i < 3; i++) {
      DType ti = ctx.requireInputType(i, FloatIo.FLOAT_TYPES);
      if (t != null && ti != null && ti != t) {
        throw ctx.error("input " + i + " has type " + ti + ", expected the type of Q (" + t + ")");
      }
    }
    Shape qs = ctx.inputShape(0);
    Shape ks = ctx.inputShape(1);
    Shape vs = ctx.inputShape(2);
    for (Shape s : new Shape[] {qs, ks, vs}) {
      if (s != null && s.rank() != 4) {
        throw ctx.error("Q, K and V must have rank 4, got " + qs + ", " + ks + ", " + vs);
      }
    }
    DType softmaxType = t == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    Shape scoreShape =
        qs != null && ks != null
            ? new Shape(List.of(qs.dim(0), qs.dim(1), qs.dim(2), ks.dim(2)))
            : Shape.unknownDims(4);
    Subgraph scoreMod = modifier(ctx, "score_mod", softmaxType, scoreShape);
    Subgraph probMod = modifier(ctx, "prob_mod", softmaxType, scoreShape);
    ctx.setOutput(
        0,
        t,
        qs != null && vs != null
            ? new Shape(List.of(qs.dim(0), qs.dim(1), qs.dim(2), vs.dim(3)))
            : Shape.unknownDims(4));
    double scale = ctx.hasAttr("scale") ? ctx.attrFloat("scale", 0) : Double.NaN;
    return exec -> run(exec, scale, softmaxType, scoreMod, probMod);
  }

  private static Subgraph modifier(OpContext ctx, String name, DType type, Shape shape) {
    Graph g = ctx.attrGraph(name);
    if (g == null) {
      return null;
    }
    if (g.inputs().size() != 1 || g.outputs().size() != 1) {
      throw ctx.unsupported(
          name
              + " with "
              + g.inputs().size()
              + " inputs and "
              + g.outputs().size()
              + " outputs (only the 1-input, 1-output tensor form)");
    }
    return ctx.prepareSubgraph(g, List.of(new ValueType.TensorType(type, shape)));
  }

  private static void run(
      ExecContext ctx, double scaleAttr, DType softmaxType, Subgraph scoreMod, Subgraph probMod) {
    Tensor q = ctx.input(0);
    Tensor k = ctx.input(1);
    Tensor v = ctx.input(2);
    if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
      throw shapeError(ctx, q, k, v);
    }
    int b = q.dim(0);
    int hq = q.dim(1);
    int lq = q.dim(2);
    int dk = q.dim(3);
    int hkv = k.dim(1);
    int s = k.dim(2);
    int dv = v.dim(3);
    if (k.dim(0) != b || k.dim(3) != dk || !v.hasShape(b, hkv, s, dv)) {
      throw shapeError(ctx, q, k, v);
    }
    if (hkv == 0 || hq % hkv != 0) {
      throw ctx.error("Q has " + hq + " heads, not a multiple of the " + hkv + " K/V heads");
    }
    double scale = Double.isNaN(scaleAttr) ? (float) (1.0f / (float) Math.sqrt(dk)) : scaleAttr;
    int group = hq / hkv;
    double[] qd = FloatIo.read(q);
    double[] kd = FloatIo.read(k);
    double[] vd = FloatIo.read(v);
    int[] scoreShape = {b, hq, lq, s};
    Tensor scoreT = Tensor.allocate(softmaxType, scoreShape);
    double[] sc = new double[scoreT.size()];
    for (int bi = 0; bi < b; bi++) {
      for (int h = 0; h < hq; h++) {
        int kvBase = (bi * hkv + h / group) * s;
        for (int i = 0; i < lq; i++) {
          int qBase = ((bi * hq + h) * lq + i) * dk;
          int o = ((bi * hq + h) * lq + i) * s;
          for (int j = 0; j < s; j++) {
            double dot = 0;
            int kRow = (kvBase + j) * dk;
            for (int d = 0; d < dk; d++) {
              dot += qd[qBase + d] * kd[kRow + d];
            }
            sc[o + j] = dot * scale;
          }
        }
      }
    }
    if (scoreMod != null) {
      sc = applyModifier(ctx, scoreMod, "score_mod", sc, scoreT, scoreShape);
    } else {
      roundAll(sc, softmaxType);
    }
    for (int row = 0; row < b * hq * lq; row++) {
      int o = row * s;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < s; j++) {
        max = Math.max(max, sc[o + j]);
      }
      double sum = 0;
      for (int j = 0; j < s; j++) {
        sc[o + j] = Math.exp(sc[o + j] - max);
        sum += sc[o + j];
      }
      for (int j = 0; j < s; j++) {
        sc[o + j] /= sum;
      }
    }
    if (probMod != null) {
      sc =
          applyModifier(
              ctx, probMod, "prob_mod", sc, Tensor.allocate(softmaxType, scoreShape), scoreShape);
    }
    Tensor y = ctx.output(0, q.dtype(), new int[] {b, hq, lq, dv});
    double[] yd = new double[y.size()];
    for (int bi = 0; bi < b; bi++) {
      for (int h = 0; h < hq; h++) {
        int kvBase = (bi * hkv + h / group) * s;
        for (int i = 0; i < lq; i++) {
          int o = ((bi * hq + h) * lq + i) * s;
          int yBase = ((bi * hq + h) * lq + i) * dv;
          for (int d = 0; d < dv; d++) {
            double acc = 0;
            for (int j = 0; j < s; j++) {
              acc += sc[o + j] * vd[(kvBase + j) * dv + d];
            }
            yd[yBase + d] = acc;
          }
        }
      }
    }
    FloatIo.write(yd, y);
  }

  private static void roundAll(double[] a, DType t) {
    for (int i = 0; i < a.length; i++) {
      a[i] = FloatIo.round(t, a[i]);
    }
  }

  /** Runs a modifier subgraph on {@code values} (via {@code holder}) and returns its output. */
  private static double[] applyModifier(
      ExecContext ctx, Subgraph g, String name, double[] values, Tensor holder, int[] shape) {
    FloatIo.write(values, holder);
    Object[] out = g.run(ctx, new Object[] {holder});
    if (!(out[0] instanceof Tensor r)
        || !Arrays.equals(r.shape(), shape)
        || !r.dtype().isFloatingPoint()) {
      throw ctx.error(
          name
              + " must return a float tensor of shape "
              + Arrays.toString(shape)
              + ", returned "
              + out[0]);
    }
    return FloatIo.read(r.toHeap());
  }

  private static RuntimeException shapeError(ExecContext ctx, Tensor q, Tensor k, Tensor v) {
    return ctx.error(
        "Q, K, V have shapes "
            + Arrays.toString(q.shape())
            + ", "
            + Arrays.toString(k.shape())
            + ", "
            + Arrays.toString(v.shape())
            + ", expected (B, Hq, L, E), (B, Hkv, S, E), (B, Hkv, S, Ev) with Hq % Hkv == 0");
  }
}
