package dev.ledge.train.export;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Folds inference-mode BatchNormalization into the Conv or Gemm before it: with {@code k = scale /
 * sqrt(var + eps)} per channel, {@code W'[c] = W[c] * k[c]} and {@code b'[c] = (b[c] - mean[c]) *
 * k[c] + bias[c]}. Folds only when the producer's output feeds nothing but the BatchNormalization,
 * every tensor involved is a float32 initializer, and (Gemm) the BatchNormalization normalizes the
 * Gemm's output columns.
 */
final class BatchNormFolding {
  private BatchNormFolding() {}

  static void fold(Graph g) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Node bn : List.copyOf(g.nodes())) {
        if (bn.domain().isEmpty() && bn.opType().equals("BatchNormalization") && tryFold(g, bn)) {
          changed = true;
          break;
        }
      }
    }
  }

  private static boolean tryFold(Graph g, Node bn) {
    String x = bn.input(0);
    Node prod = null;
    int readers = 0;
    for (Node n : g.nodes()) {
      if (n.outputs().contains(x)) {
        prod = n;
      }
      for (String in : n.inputs()) {
        if (in.equals(x)) {
          readers++;
        }
      }
    }
    boolean isOutput = g.outputs().stream().anyMatch(v -> v.name().equals(x));
    if (prod == null || readers != 1 || isOutput || !prod.domain().isEmpty()) {
      return false;
    }
    boolean conv = prod.opType().equals("Conv");
    boolean gemm = prod.opType().equals("Gemm");
    if (!conv && !gemm) {
      return false;
    }
    Map<String, Tensor> init = g.initializers();
    Tensor w = init.get(prod.input(1));
    Tensor b = prod.input(2).isEmpty() ? null : init.get(prod.input(2));
    Tensor scale = init.get(bn.input(1));
    Tensor bias = init.get(bn.input(2));
    Tensor mean = init.get(bn.input(3));
    Tensor var = init.get(bn.input(4));
    if (w == null
        || (!prod.input(2).isEmpty() && b == null)
        || scale == null
        || bias == null
        || mean == null
        || var == null) {
      return false;
    }
    for (Tensor t : new Tensor[] {w, b, scale, bias, mean, var}) {
      if (t != null && t.dtype() != DType.FLOAT32) {
        return false;
      }
    }
    int c = scale.size();
    int rows;
    boolean columns = false;
    if (conv) {
      if (w.dim(0) != c) {
        return false;
      }
      rows = c;
    } else {
      if (prod.attribute("transA") != null && prod.attribute("transA").asInt() != 0) {
        return false;
      }
      double alpha = prod.attribute("alpha") == null ? 1 : prod.attribute("alpha").asFloat();
      double beta = prod.attribute("beta") == null ? 1 : prod.attribute("beta").asFloat();
      if (alpha != 1 || beta != 1 || w.rank() != 2) {
        return false;
      }
      boolean transB = prod.attribute("transB") != null && prod.attribute("transB").asInt() != 0;
      int out = transB ? w.dim(0) : w.dim(1);
      if (out != c || (b != null && b.size() != c)) {
        return false;
      }
      columns = !transB;
      rows = c;
    }
    if (b != null && b.size() != c) {
      return false;
    }
    double eps = bn.attribute("epsilon") == null ? 1e-5 : bn.attribute("epsilon").asFloat();
    Tensor w2 = w.copy();
    float[] wa = w2.floats();
    int per = w.size() / rows;
    double[] k = new double[c];
    for (int ch = 0; ch < c; ch++) {
      k[ch] = scale.getDouble(ch) / Math.sqrt(var.getDouble(ch) + eps);
    }
    if (columns) {
      int in = w.dim(0);
      for (int r = 0; r < in; r++) {
        for (int ch = 0; ch < c; ch++) {
          wa[r * c + ch] = (float) (wa[r * c + ch] * k[ch]);
        }
      }
    } else {
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < per; i++) {
          wa[ch * per + i] = (float) (wa[ch * per + i] * k[ch]);
        }
      }
    }
    Tensor b2 = Tensor.allocate(DType.FLOAT32, c);
    for (int ch = 0; ch < c; ch++) {
      double b0 = b == null ? 0 : b.getDouble(ch);
      b2.setDouble(ch, (b0 - mean.getDouble(ch)) * k[ch] + bias.getDouble(ch));
    }
    String wName = fresh(g, prod.input(1) + "_bnfolded");
    String bName =
        fresh(g, (prod.input(2).isEmpty() ? prod.name() + ".bias" : prod.input(2)) + "_bnfolded");
    init.put(wName, w2);
    init.put(bName, b2);
    List<String> ins = new ArrayList<>(prod.inputs());
    while (ins.size() < 3) {
      ins.add("");
    }
    ins.set(1, wName);
    ins.set(2, bName);
    Map<String, Attribute> attrs = prod.attributes();
    Node folded =
        new Node(
            prod.name(),
            prod.opType(),
            prod.domain(),
            ins,
            List.of(bn.outputs().getFirst()),
            attrs);
    int at = g.nodes().indexOf(prod);
    g.nodes().set(at, folded);
    g.nodes().remove(bn);
    g.valueInfo().remove(x);
    return true;
  }

  private static String fresh(Graph g, String base) {
    String name = base;
    int i = 1;
    while (g.initializers().containsKey(name) || isValue(g, name)) {
      name = base + "_" + i++;
    }
    return name;
  }

  private static boolean isValue(Graph g, String name) {
    for (ValueInfo v : g.inputs()) {
      if (v.name().equals(name)) {
        return true;
      }
    }
    for (Node n : g.nodes()) {
      if (n.outputs().contains(name)) {
        return true;
      }
    }
    return false;
  }
}
