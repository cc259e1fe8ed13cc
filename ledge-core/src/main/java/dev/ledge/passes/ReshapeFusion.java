package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Collapses {@code Reshape(r, s2)} where {@code r} is the output of a Reshape, Flatten, Squeeze or
 * Unsqueeze that nothing else reads: those only relabel dims, so the outer Reshape can read the
 * inner node's input directly. Reshape's result depends on its input only through the element count
 * (kept) and through 0 entries of {@code s2}, which copy dims of {@code r} (opset 5+, unless {@code
 * allowzero=1}): such entries are replaced by {@code r}'s static dims when type inference knows
 * them; otherwise the pair stays.
 */
public final class ReshapeFusion extends GraphRewrite {
  private static final Set<String> RELABELS = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze");

  @Override
  protected boolean rewrite(GraphScope scope) {
    if (scope.onnxOpset() < 5) {
      return false; // Reshape-1 takes the shape as an attribute
    }
    boolean changed = false;
    for (Node outer : List.copyOf(scope.graph().nodes())) {
      if (!outer.opType().equals("Reshape")
          || !outer.domain().isEmpty()
          || outer.inputs().size() != 2
          || outer.outputs().size() != 1
          || !scope.graph().nodes().contains(outer)) {
        continue;
      }
      String r = outer.input(0);
      if (r.isEmpty() || outer.input(1).equals(r)) {
        continue;
      }
      Node inner = scope.producer(r);
      if (inner == null
          || !RELABELS.contains(inner.opType())
          || !inner.domain().isEmpty()
          || inner.outputs().size() != 1
          || inner.input(0).isEmpty()
          || !scope.onlyUsedBy(r, outer)) {
        continue;
      }
      String shape = shapeWithoutCopies(scope, outer, r);
      if (shape == null) {
        continue;
      }
      outer.inputs().set(0, inner.input(0));
      outer.inputs().set(1, shape);
      scope.remove(inner);
      changed = true;
    }
    return changed;
  }

  /**
   * The name of a shape input equivalent to the outer node's that has no dim-copying 0 entries: the
   * same input if it has none, a new constant if they can be resolved, else null.
   */
  private static String shapeWithoutCopies(GraphScope scope, Node outer, String r) {
    String shapeName = outer.input(1);
    Attribute az = outer.attribute("allowzero");
    boolean allowZero =
        scope.onnxOpset() >= 14 && az != null && az.type() == Attribute.Type.INT && az.asInt() != 0;
    if (allowZero) {
      return shapeName;
    }
    Tensor s = scope.constant(shapeName);
    if (s == null || s.dtype() != DType.INT64 || s.rank() != 1) {
      return null;
    }
    long[] dims = s.toLongArray();
    boolean copies = false;
    for (long d : dims) {
      copies |= d == 0;
    }
    if (!copies) {
      return shapeName;
    }
    int[] rShape = scope.staticShape(r);
    if (rShape == null) {
      return null;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == 0) {
        if (i >= rShape.length) {
          return null; // invalid; the planner reports it
        }
        dims[i] = rShape[i];
        if (dims[i] == 0) {
          return null; // a literal 0 needs allowzero, which opsets before 14 cannot express
        }
      }
    }
    return scope.addInitializer(shapeName + "_resolved", Tensor.ofLongs(dims));
  }
}
