package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses a matrix product with the activation that follows it into Ledge's {@code
 * dev.ledge.FusedGemm}, which applies the activation to each output tile as the GEMM finishes it
 * instead of in a separate pass over memory. The activations are those of {@link
 * ConvActivationFusion}: Relu, Clip with constant bounds, LeakyRelu, HardSigmoid, HardSwish,
 * Sigmoid, Tanh, and SiLU written as {@code Mul(y, Sigmoid(y))}. Two producers:
 *
 * <ul>
 *   <li>{@code Gemm(A, B, C?)}, its alpha, beta, transA and transB kept; before opset 7 only if C
 *       needs no broadcast or {@code broadcast=1} (FusedGemm broadcasts C as Gemm-7+ does);
 *   <li>{@code MatMul(A, B)} with B two-dimensional and A of known rank 2 or more, optionally
 *       followed by {@code Add} of a bias C that broadcasts to the product row by row ([N], [1, N],
 *       a scalar, or for a 2-D product anything Gemm broadcasts): {@code FusedGemm(A, B, C)}, whose
 *       rows are A's flattened leading dims. {@link MatMulAddFusion} already turns MatMul + Add
 *       with a static 2-D A into Gemm; this covers the batched A of transformer-style models and
 *       MatMul without a bias.
 * </ul>
 *
 * <p>Floating-point types only. Applies only when each intermediate value is read by the next node
 * alone (the Sigmoid and the Mul for SiLU) and is not a graph output or read by a subgraph. The
 * activation is computed by the standalone operator's kernel; a flattened MatMul may round
 * differently than the per-batch one. Adds the {@code dev.ledge} opset import to the model.
 */
public final class GemmActivationFusion extends GraphRewrite {
  private static final Set<DType> FLOATS =
      Set.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);

  @Override
  protected boolean rewrite(GraphScope scope) {
    boolean changed = false;
    for (Node n : List.copyOf(scope.graph().nodes())) {
      if (!n.domain().isEmpty()
          || n.outputs().size() != 1
          || n.inputs().size() < 2
          || n.input(0).isEmpty()
          || n.input(1).isEmpty()
          || !scope.graph().nodes().contains(n)) {
        continue;
      }
      if (n.opType().equals("Gemm") && n.inputs().size() <= 3) {
        changed |= fuseGemm(scope, n);
      } else if (n.opType().equals("MatMul") && n.inputs().size() == 2) {
        changed |= fuseMatMul(scope, n);
      }
    }
    return changed;
  }

  private static boolean fuseGemm(GraphScope scope, Node gemm) {
    String y = gemm.outputs().getFirst();
    if (!floating(scope.dtype(gemm.input(0))) || !broadcastsAsGemm7(scope, gemm)) {
      return false;
    }
    FusibleActivation act = FusibleActivation.match(scope, y);
    if (act == null) {
      return false;
    }
    Map<String, Attribute> attrs = new LinkedHashMap<>(gemm.attributes());
    attrs.remove("broadcast");
    List<String> inputs = new ArrayList<>(gemm.inputs());
    if (inputs.size() == 3 && inputs.get(2).isEmpty()) {
      inputs.remove(2);
    }
    replace(scope, gemm, inputs, attrs, List.of(), act);
    return true;
  }

  /** True unless this is a Gemm before opset 7 whose C would need the broadcast it disallows. */
  private static boolean broadcastsAsGemm7(GraphScope scope, Node gemm) {
    if (scope.onnxOpset() >= 7 || gemm.inputs().size() < 3 || gemm.input(2).isEmpty()) {
      return true;
    }
    Attribute broadcast = gemm.attribute("broadcast");
    if (broadcast != null && broadcast.asInt() != 0) {
      return true;
    }
    int[] cs = scope.staticShape(gemm.input(2));
    int[] ys = scope.staticShape(gemm.outputs().getFirst());
    return cs != null && java.util.Arrays.equals(cs, ys);
  }

  private static boolean fuseMatMul(GraphScope scope, Node mm) {
    String a = mm.input(0);
    String b = mm.input(1);
    DType t = scope.dtype(a);
    int[] bs = scope.staticShape(b);
    int rank = scope.rank(a);
    if (!floating(t) || scope.dtype(b) != t || bs == null || bs.length != 2 || rank < 2) {
      return false;
    }
    String y = mm.outputs().getFirst();
    List<String> inputs = new ArrayList<>(List.of(a, b));
    List<Node> removed = new ArrayList<>();
    String out = y;
    List<Node> users = scope.users(y);
    if (users.size() == 1
        && isBiasAdd(users.getFirst(), y)
        && scope.onlyUsedBy(y, users.getFirst())) {
      Node add = users.getFirst();
      String c = add.input(0).equals(y) ? add.input(1) : add.input(0);
      if (scope.dtype(c) != t || !rowBias(scope.staticShape(c), scope.staticShape(y), bs[1])) {
        return false;
      }
      inputs.add(c);
      removed.add(add);
      out = add.outputs().getFirst();
    }
    FusibleActivation act = FusibleActivation.match(scope, out);
    if (act == null) {
      return false;
    }
    replace(scope, mm, inputs, Map.of(), removed, act);
    return true;
  }

  /** True for a known floating-point type. */
  private static boolean floating(DType t) {
    return t != null && FLOATS.contains(t);
  }

  private static boolean isBiasAdd(Node n, String y) {
    return n.opType().equals("Add")
        && n.domain().isEmpty()
        && n.inputs().size() == 2
        && n.outputs().size() == 1
        && !n.input(0).equals(n.input(1))
        && (n.input(0).equals(y) || n.input(1).equals(y));
  }

  /**
   * True if a C of static shape {@code cs}, added to the product of static shape {@code ys} (null
   * if not fully known) with {@code n} columns, gives the product's shape and adds the same values
   * as Gemm's broadcast of C to the flattened [rows, n] product.
   */
  private static boolean rowBias(int[] cs, int[] ys, int n) {
    if (cs == null || cs.length > 2) {
      return false;
    }
    if (cs.length >= 1 && cs[cs.length - 1] != 1 && cs[cs.length - 1] != n) {
      return false;
    }
    if (cs.length < 2 || cs[0] == 1) {
      return true; // the same bias for every row
    }
    // One bias row per product row: only for a 2-D product of known rows.
    return ys != null && ys.length == 2 && cs[0] == ys[0];
  }

  private static void replace(
      GraphScope scope,
      Node producer,
      List<String> inputs,
      Map<String, Attribute> attrs,
      List<Node> between,
      FusibleActivation act) {
    Map<String, Attribute> all = new LinkedHashMap<>(attrs);
    all.put("activation", Attribute.of("activation", act.name()));
    if (act.params().length > 0) {
      all.put("activation_params", Attribute.of("activation_params", act.params()));
    }
    Node fused =
        new Node(
            producer.name(),
            "FusedGemm",
            ConvActivationFusion.DOMAIN,
            inputs,
            List.of(act.output()),
            all);
    List<Node> rest = new ArrayList<>(between);
    rest.addAll(act.nodes());
    FusedNodes.replace(scope, producer, rest, fused);
  }
}
