package dev.ledge.passes;

import dev.ledge.graph.Node;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * Replaces Shape and Size of a value whose shape is fully static (known from type inference or the
 * model's declarations; symbolic dims do not count) by int64 constants, so that {@link
 * ConstantFolding} can then fold the Gather / Concat / Unsqueeze chains that compute shapes from
 * them. Shape's {@code start} and {@code end} (opset 15) are applied as the spec says: negative
 * values count from the back, and both are clamped to [0, rank].
 */
public final class ShapeFolding extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    boolean changed = false;
    for (Node n : List.copyOf(scope.graph().nodes())) {
      boolean shapeOp = n.opType().equals("Shape");
      if (!n.domain().isEmpty()
          || !(shapeOp || n.opType().equals("Size"))
          || n.inputs().size() != 1
          || n.outputs().size() != 1
          || n.outputs().getFirst().isEmpty()) {
        continue;
      }
      int[] shape = scope.staticShape(n.input(0));
      if (shape == null) {
        continue;
      }
      Tensor value = shapeOp ? shapeValue(scope, n, shape) : Tensor.scalar(size(shape));
      scope.remove(n);
      scope.graph().initializers().put(n.outputs().getFirst(), value);
      scope.refresh();
      changed = true;
    }
    return changed;
  }

  private static long size(int[] shape) {
    long s = 1;
    for (int d : shape) {
      s *= d;
    }
    return s;
  }

  private static Tensor shapeValue(GraphScope scope, Node n, int[] shape) {
    int rank = shape.length;
    long start = 0;
    long end = rank;
    if (scope.onnxOpset() >= 15) {
      if (n.attribute("start") != null) {
        start = n.attribute("start").asInt();
      }
      if (n.attribute("end") != null) {
        end = n.attribute("end").asInt();
      }
    }
    start = clamp(start < 0 ? start + rank : start, rank);
    end = clamp(end < 0 ? end + rank : end, rank);
    int count = (int) Math.max(0, end - start);
    long[] dims = new long[count];
    for (int i = 0; i < count; i++) {
      dims[i] = shape[(int) start + i];
    }
    return Tensor.ofLongs(dims);
  }

  private static long clamp(long v, int rank) {
    return Math.max(0, Math.min(rank, v));
  }
}
