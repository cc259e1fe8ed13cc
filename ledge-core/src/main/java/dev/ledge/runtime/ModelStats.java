package dev.ledge.runtime;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Map;
import java.util.TreeMap;

/**
 * Static facts about a model for {@code ledge inspect}: operator histogram (subgraphs included),
 * parameters by dtype, and an estimate of multiply-accumulates for the heavy ops whose shapes are
 * known statically.
 *
 * @param opCounts nodes per op type (domain-qualified outside ai.onnx)
 * @param paramCount initializer elements by dtype
 * @param paramBytes initializer bytes by dtype
 * @param macs estimated multiply-accumulates of Conv, ConvTranspose, Gemm and MatMul
 * @param macsUnknownNodes heavy nodes whose shapes were not static (not counted in macs)
 */
public record ModelStats(
    Map<String, Integer> opCounts,
    Map<DType, Long> paramCount,
    Map<DType, Long> paramBytes,
    long macs,
    int macsUnknownNodes) {

  /** Computes the statistics (compiles the model's plan for type inference if needed). */
  public static ModelStats of(Model model) {
    return of(model, model.inferredTypes());
  }

  /** Computes the statistics with the given value types (e.g. partial ones). */
  public static ModelStats of(Model model, Map<String, ValueType> types) {
    Map<String, Integer> ops = new TreeMap<>();
    Map<DType, Long> count = new TreeMap<>();
    Map<DType, Long> bytes = new TreeMap<>();
    countGraph(model.definition().graph(), ops, count, bytes);
    long macs = 0;
    int unknown = 0;
    for (Node n : model.definition().graph().nodes()) {
      long m = macs(n, types);
      if (m < 0) {
        unknown++;
      } else {
        macs += m;
      }
    }
    return new ModelStats(ops, count, bytes, macs, unknown);
  }

  private static void countGraph(
      Graph g, Map<String, Integer> ops, Map<DType, Long> count, Map<DType, Long> bytes) {
    for (Tensor t : g.initializers().values()) {
      count.merge(t.dtype(), (long) t.size(), Long::sum);
      bytes.merge(t.dtype(), t.dtype().bytesFor(t.size()), Long::sum);
    }
    for (Node n : g.nodes()) {
      ops.merge((n.domain().isEmpty() ? "" : n.domain() + ".") + n.opType(), 1, Integer::sum);
      for (Attribute a : n.attributes().values()) {
        if (a.type() == Attribute.Type.GRAPH) {
          countGraph(a.asGraph(), ops, count, bytes);
        } else if (a.type() == Attribute.Type.GRAPHS) {
          for (Graph sub : a.asGraphs()) {
            countGraph(sub, ops, count, bytes);
          }
        }
      }
    }
  }

  /** MACs of one node: 0 for light ops, -1 for heavy ops with unknown shapes. */
  private static long macs(Node n, Map<String, ValueType> types) {
    if (!n.domain().isEmpty()) {
      return 0;
    }
    switch (n.opType()) {
      case "Conv" -> {
        int[] w = shape(types, n.input(1));
        int[] y = shape(types, n.outputs().getFirst());
        if (w == null || y == null || w.length < 3 || y.length < 2) {
          return -1;
        }
        long perOut = 1;
        for (int i = 1; i < w.length; i++) {
          perOut *= w[i];
        }
        return elements(y) * perOut;
      }
      case "ConvTranspose" -> {
        int[] x = shape(types, n.input(0));
        int[] w = shape(types, n.input(1));
        if (x == null || w == null || w.length < 3) {
          return -1;
        }
        long perIn = 1;
        for (int i = 1; i < w.length; i++) {
          perIn *= w[i];
        }
        return elements(x) * perIn;
      }
      case "Gemm", "MatMul" -> {
        int[] a = shape(types, n.input(0));
        int[] y = shape(types, n.outputs().getFirst());
        if (a == null || y == null || a.length == 0) {
          return -1;
        }
        boolean transA =
            n.opType().equals("Gemm")
                && n.attribute("transA") != null
                && n.attribute("transA").asInt() != 0;
        long k = transA ? a[0] : a[a.length - 1];
        return elements(y) * k;
      }
      default -> {
        return 0;
      }
    }
  }

  private static int[] shape(Map<String, ValueType> types, String name) {
    if (types.get(name) instanceof ValueType.TensorType t && t.shape() != null) {
      Shape s = t.shape();
      return s.toIntsOrNull();
    }
    return null;
  }

  private static long elements(int[] s) {
    long n = 1;
    for (int d : s) {
      n *= d;
    }
    return n;
  }
}
