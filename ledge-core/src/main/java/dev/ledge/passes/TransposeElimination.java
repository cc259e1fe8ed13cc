package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Node;
import java.util.List;
import java.util.Map;

/**
 * Removes Transposes that do nothing and merges consecutive ones: a Transpose with the identity
 * permutation is bypassed; {@code Transpose(Transpose(x, p1), p2)} is {@code x} when the
 * permutations cancel ({@code p1[p2[i]] == i}), and otherwise becomes one Transpose of {@code x}
 * with permutation {@code p1[p2[i]]} when nothing else reads the inner one. A missing {@code perm}
 * (reverse the dims) needs the input's rank from type inference. Transposes of constants are left
 * to {@link ConstantFolding}.
 */
public final class TransposeElimination extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    boolean changed = false;
    for (Node outer : List.copyOf(scope.graph().nodes())) {
      if (!scope.graph().nodes().contains(outer) || !isTranspose(outer)) {
        continue;
      }
      long[] p2 = perm(scope, outer);
      if (p2 == null) {
        continue;
      }
      String y = outer.outputs().getFirst();
      if (isIdentity(p2)) {
        changed |= removeOrIdentity(scope, outer, outer.input(0), y);
        continue;
      }
      Node inner = scope.producer(outer.input(0));
      if (inner == null || !isTranspose(inner)) {
        continue;
      }
      long[] p1 = perm(scope, inner);
      if (p1 == null || p1.length != p2.length) {
        continue;
      }
      long[] q = new long[p2.length];
      for (int i = 0; i < q.length; i++) {
        q[i] = p1[(int) p2[i]];
      }
      String x = inner.input(0);
      if (isIdentity(q)) {
        changed |= removeOrIdentity(scope, outer, x, y);
      } else if (scope.onlyUsedBy(outer.input(0), outer)) {
        outer.inputs().set(0, x);
        outer.attributes().put("perm", Attribute.of("perm", q));
        scope.remove(inner);
        changed = true;
      }
    }
    return changed;
  }

  /** Bypasses {@code node} (whose output equals {@code x}), or turns it into an Identity. */
  private static boolean removeOrIdentity(GraphScope scope, Node node, String x, String y) {
    if (Bypass.tryRemove(scope, node, x, y)) {
      return true;
    }
    int at = scope.graph().nodes().indexOf(node);
    scope
        .graph()
        .nodes()
        .set(at, new Node(node.name(), "Identity", "", List.of(x), List.of(y), Map.of()));
    scope.refresh();
    return true;
  }

  private static boolean isTranspose(Node n) {
    return n.opType().equals("Transpose")
        && n.domain().isEmpty()
        && n.inputs().size() == 1
        && n.outputs().size() == 1
        && !n.input(0).isEmpty()
        && !n.outputs().getFirst().isEmpty();
  }

  /** The node's permutation (explicit, or the default reversal for a known rank), or null. */
  private static long[] perm(GraphScope scope, Node n) {
    Attribute a = n.attribute("perm");
    if (a != null) {
      if (a.type() != Attribute.Type.INTS) {
        return null;
      }
      long[] p = a.asInts();
      boolean[] seen = new boolean[p.length];
      for (long v : p) {
        if (v < 0 || v >= p.length || seen[(int) v]) {
          return null; // invalid; the planner reports it
        }
        seen[(int) v] = true;
      }
      int rank = scope.rank(n.input(0));
      return rank < 0 || rank == p.length ? p : null;
    }
    int rank = scope.rank(n.input(0));
    if (rank < 0) {
      return null;
    }
    long[] p = new long[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = rank - 1 - i;
    }
    return p;
  }

  private static boolean isIdentity(long[] p) {
    for (int i = 0; i < p.length; i++) {
      if (p[i] != i) {
        return false;
      }
    }
    return true;
  }
}
