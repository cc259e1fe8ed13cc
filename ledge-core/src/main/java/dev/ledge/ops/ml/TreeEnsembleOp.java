package dev.ledge.ops.ml;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TreeEnsemble (ai.onnx.ml 5): evaluates a forest of decision trees on each row of {@code [N, F]}
 * features and aggregates the reached leaves' weights per target into {@code [N, n_targets]}.
 *
 * <p>Interior nodes compare one feature with a split value ({@code <=, <, >=, >, ==, !=}) or test
 * membership in a set; a NaN feature takes the true branch when {@code
 * nodes_missing_value_tracks_true} says so and otherwise the comparison's IEEE result. Sums are
 * accumulated in double and rounded once to the output type.
 *
 * <p>Unsupported (the specification and the reference implementation disagree, so there is no
 * single right answer): post transforms other than NONE, float16, MIN/MAX aggregation when a target
 * might receive no leaf, set members equal to 0, membership sets listed in an order other than the
 * trees' depth-first order, and a single-leaf tree whose leaf index differs from its node index.
 */
final class TreeEnsembleOp implements Operator {
  private static final int LEQ = 0;
  private static final int LT = 1;
  private static final int GTE = 2;
  private static final int GT = 3;
  private static final int EQ = 4;
  private static final int NEQ = 5;
  private static final int MEMBER = 6;

  private static final int AVERAGE = 0;
  private static final int SUM = 1;
  private static final int MIN = 2;
  private static final int MAX = 3;

  /** The validated forest. Branch targets {@code >= 0} are nodes, {@code -(leaf + 1)} leaves. */
  private record Forest(
      int[] feature,
      byte[] mode,
      double[] split,
      int[] onTrue,
      int[] onFalse,
      boolean[] nanTrue,
      double[][] members,
      int[] roots,
      int[] leafTarget,
      double[] leafWeight,
      int targets,
      int aggregate,
      int maxFeature) {}

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = ctx.requireInputType(0, DType.FLOAT32, DType.FLOAT64, DType.FLOAT16);
    if (t == null) {
      throw ctx.unsupported("the input's element type is not known; the attributes must match it");
    }
    if (t == DType.FLOAT16) {
      throw ctx.unsupported("float16 input: the accumulation precision is not specified");
    }
    long postTransform = ctx.attrInt("post_transform", 0);
    if (postTransform < 0 || postTransform > 4) {
      throw ctx.error("post_transform is " + postTransform + ", expected 0..4");
    }
    if (postTransform != 0) {
      throw ctx.unsupported(
          "post_transform " + postTransform + ": only NONE (0) is implemented exactly");
    }
    long aggregate = ctx.attrInt("aggregate_function", SUM);
    if (aggregate < AVERAGE || aggregate > MAX) {
      throw ctx.error("aggregate_function is " + aggregate + ", expected 0..3");
    }
    if (!ctx.hasAttr("n_targets")) {
      throw ctx.error("missing attribute 'n_targets'");
    }
    long targets = ctx.attrInt("n_targets", 0);
    if (targets < 1 || targets > Integer.MAX_VALUE / 2) {
      throw ctx.error("n_targets is " + targets + ", expected at least 1");
    }

    long[] featureIds = ints(ctx, "nodes_featureids");
    int n = featureIds.length;
    Tensor modes = tensor(ctx, "nodes_modes", DType.UINT8, n);
    double[] splits = values(ctx, tensor(ctx, "nodes_splits", t, n));
    long[] trueIds = ints(ctx, "nodes_truenodeids", n);
    long[] falseIds = ints(ctx, "nodes_falsenodeids", n);
    long[] trueLeafs = ints(ctx, "nodes_trueleafs", n);
    long[] falseLeafs = ints(ctx, "nodes_falseleafs", n);
    long[] missing = ctx.attrInts("nodes_missing_value_tracks_true", new long[n]);
    if (missing.length != n) {
      throw ctx.error(
          "nodes_missing_value_tracks_true has " + missing.length + " entries, expected " + n);
    }
    long[] leafTargets = ints(ctx, "leaf_targetids");
    int leaves = leafTargets.length;
    double[] leafWeights = values(ctx, tensor(ctx, "leaf_weights", t, leaves));
    long[] roots = ints(ctx, "tree_roots");
    if (roots.length == 0) {
      throw ctx.error("tree_roots is empty");
    }

    int[] feature = new int[n];
    byte[] mode = new byte[n];
    int[] onTrue = new int[n];
    int[] onFalse = new int[n];
    boolean[] nanTrue = new boolean[n];
    int maxFeature = -1;
    for (int i = 0; i < n; i++) {
      if (featureIds[i] < 0 || featureIds[i] > Integer.MAX_VALUE - 1) {
        throw ctx.error("nodes_featureids[" + i + "] is " + featureIds[i] + ", expected >= 0");
      }
      feature[i] = (int) featureIds[i];
      maxFeature = Math.max(maxFeature, feature[i]);
      int m = modes.rawBits(i);
      if (m > MEMBER) {
        throw ctx.error("nodes_modes[" + i + "] is " + m + ", expected 0..6");
      }
      mode[i] = (byte) m;
      onTrue[i] = branch(ctx, i, "true", trueIds[i], trueLeafs[i], n, leaves);
      onFalse[i] = branch(ctx, i, "false", falseIds[i], falseLeafs[i], n, leaves);
      if (missing[i] != 0 && missing[i] != 1) {
        throw ctx.error(
            "nodes_missing_value_tracks_true[" + i + "] is " + missing[i] + ", expected 0 or 1");
      }
      nanTrue[i] = missing[i] == 1;
    }
    int[] leafTarget = new int[leaves];
    for (int i = 0; i < leaves; i++) {
      if (leafTargets[i] < 0 || leafTargets[i] >= targets) {
        throw ctx.error(
            "leaf_targetids[" + i + "] is " + leafTargets[i] + ", expected 0.." + (targets - 1));
      }
      leafTarget[i] = (int) leafTargets[i];
    }

    int[] rootRefs = new int[roots.length];
    for (int r = 0; r < roots.length; r++) {
      long root = roots[r];
      if (root < 0 || root >= n) {
        throw ctx.error("tree_roots[" + r + "] is " + root + ", expected 0.." + (n - 1));
      }
      int i = (int) root;
      boolean singleLeaf = trueLeafs[i] == 1 && falseLeafs[i] == 1 && trueIds[i] == falseIds[i];
      if (singleLeaf && trueIds[i] != i) {
        throw ctx.unsupported(
            "tree "
                + r
                + " is a single leaf ("
                + trueIds[i]
                + ") at node "
                + i
                + ": the reference reads leaf "
                + i
                + " instead");
      }
      rootRefs[r] = singleLeaf ? -(int) trueIds[i] - 1 : i;
    }
    checkAcyclic(ctx, rootRefs, onTrue, onFalse);
    double[][] members = memberSets(ctx, t, mode, rootRefs, onTrue, onFalse);
    if (aggregate == MIN || aggregate == MAX) {
      checkEveryTargetReached(ctx, (int) targets, rootRefs, onTrue, onFalse, leafTarget);
    }

    Shape xs = ctx.inputShape(0);
    Shape out = null;
    if (xs != null) {
      if (xs.rank() != 2) {
        throw ctx.error("input has rank " + xs.rank() + ", expected [N, F]");
      }
      Dim f = xs.dim(1);
      if (f.isKnown() && maxFeature >= f.value()) {
        throw ctx.error(
            "a node reads feature " + maxFeature + " but the input has " + f.value() + " features");
      }
      out = new Shape(List.of(xs.dim(0), Dim.of(targets)));
    }
    ctx.setOutput(0, t, out);
    Forest forest =
        new Forest(
            feature,
            mode,
            splits,
            onTrue,
            onFalse,
            nanTrue,
            members,
            rootRefs,
            leafTarget,
            leafWeights,
            (int) targets,
            (int) aggregate,
            maxFeature);
    return exec -> run(exec, forest);
  }

  private static void run(ExecContext ctx, Forest f) {
    Tensor x = ctx.input(0);
    int[] shape = x.shape();
    if (shape.length != 2) {
      throw ctx.error("input shape is " + Arrays.toString(shape) + ", expected [N, F]");
    }
    int rows = shape[0];
    int cols = shape[1];
    if (f.maxFeature() >= cols) {
      throw ctx.error(
          "a node reads feature " + f.maxFeature() + " but the input has " + cols + " features");
    }
    Tensor y = ctx.output(0, x.dtype(), new int[] {rows, f.targets()});
    double[] acc = new double[f.targets()];
    boolean[] hit = new boolean[f.targets()];
    boolean isFloat = x.dtype() == DType.FLOAT32;
    float[] xf = isFloat ? x.floats() : null;
    double[] xd = isFloat ? null : x.doubles();
    int xo = x.offset();
    for (int r = 0; r < rows; r++) {
      Arrays.fill(acc, 0);
      Arrays.fill(hit, false);
      int base = xo + r * cols;
      for (int root : f.roots()) {
        int at = root;
        while (at >= 0) {
          int feat = base + f.feature()[at];
          double v = isFloat ? xf[feat] : xd[feat];
          at = decide(f, at, v) ? f.onTrue()[at] : f.onFalse()[at];
        }
        int leaf = -at - 1;
        int target = f.leafTarget()[leaf];
        double w = f.leafWeight()[leaf];
        switch (f.aggregate()) {
          case MIN -> acc[target] = hit[target] ? Math.min(acc[target], w) : w;
          case MAX -> acc[target] = hit[target] ? Math.max(acc[target], w) : w;
          default -> acc[target] += w;
        }
        hit[target] = true;
      }
      for (int k = 0; k < f.targets(); k++) {
        double v = f.aggregate() == AVERAGE ? acc[k] / f.roots().length : acc[k];
        y.setDouble(r * f.targets() + k, v);
      }
    }
  }

  private static boolean decide(Forest f, int node, double v) {
    if (Double.isNaN(v) && f.nanTrue()[node]) {
      return true;
    }
    double s = f.split()[node];
    return switch (f.mode()[node]) {
      case LEQ -> v <= s;
      case LT -> v < s;
      case GTE -> v >= s;
      case GT -> v > s;
      case EQ -> v == s;
      case NEQ -> v != s;
      default -> !Double.isNaN(v) && Arrays.binarySearch(f.members()[node], v == 0 ? 0.0 : v) >= 0;
    };
  }

  // ---- validation helpers ----

  private static int branch(
      OpContext ctx, int node, String side, long id, long isLeaf, int nodes, int leaves) {
    if (isLeaf != 0 && isLeaf != 1) {
      throw ctx.error("nodes_" + side + "leafs[" + node + "] is " + isLeaf + ", expected 0 or 1");
    }
    long limit = isLeaf == 1 ? leaves : nodes;
    if (id < 0 || id >= limit) {
      throw ctx.error(
          "nodes_"
              + side
              + "nodeids["
              + node
              + "] is "
              + id
              + ", expected 0.."
              + (limit - 1)
              + (isLeaf == 1 ? " (a leaf index)" : " (a node index)"));
    }
    return isLeaf == 1 ? -(int) id - 1 : (int) id;
  }

  /** Rejects trees whose branches loop (evaluation would never reach a leaf). */
  private static void checkAcyclic(OpContext ctx, int[] roots, int[] onTrue, int[] onFalse) {
    int n = onTrue.length;
    byte[] state = new byte[n]; // 0 new, 1 on the current path, 2 done
    int[] stack = new int[n];
    int[] child = new int[n]; // next child to visit: 0 true, 1 false, 2 done
    for (int root : roots) {
      if (root < 0 || state[root] == 2) {
        continue;
      }
      int sp = 0;
      stack[sp++] = root;
      state[root] = 1;
      child[root] = 0;
      while (sp > 0) {
        int at = stack[sp - 1];
        if (child[at] == 2) {
          state[at] = 2;
          sp--;
          continue;
        }
        int next = child[at] == 0 ? onTrue[at] : onFalse[at];
        child[at]++;
        if (next < 0 || state[next] == 2) {
          continue;
        }
        if (state[next] == 1) {
          throw ctx.error("the trees have a cycle through node " + next);
        }
        state[next] = 1;
        child[next] = 0;
        stack[sp++] = next;
      }
    }
  }

  /**
   * Sorted member values per set-membership node. The specification assigns the NaN-separated sets
   * to such nodes in index order, the reference in depth-first order from the roots; both must
   * agree.
   */
  private static double[][] memberSets(
      OpContext ctx, DType t, byte[] mode, int[] roots, int[] onTrue, int[] onFalse) {
    List<Integer> byIndex = new ArrayList<>();
    for (int i = 0; i < mode.length; i++) {
      if (mode[i] == MEMBER) {
        byIndex.add(i);
      }
    }
    double[][] sets = new double[mode.length][];
    if (byIndex.isEmpty()) {
      return sets;
    }
    if (!ctx.hasAttr("membership_values")) {
      throw ctx.error("set-membership nodes need the membership_values attribute");
    }
    Tensor mv = ctx.attrTensor("membership_values");
    if (mv.dtype() != t) {
      throw ctx.error(
          "membership_values has type " + mv.dtype() + ", expected the input's type " + t);
    }
    List<Integer> byTraversal = new ArrayList<>();
    for (int root : roots) {
      preorderMembers(ctx, root, mode, onTrue, onFalse, byTraversal);
    }
    if (!byTraversal.equals(byIndex)) {
      throw ctx.unsupported(
          "set-membership nodes "
              + byIndex
              + " are reached in the order "
              + byTraversal
              + ": the specification (index order) and the reference (depth-first order)"
              + " assign membership_values differently");
    }
    List<double[]> parsed = new ArrayList<>();
    List<Double> current = new ArrayList<>();
    for (int i = 0; i < mv.size(); i++) {
      double v = mv.getDouble(i);
      if (Double.isNaN(v)) {
        parsed.add(current.stream().mapToDouble(Double::doubleValue).sorted().distinct().toArray());
        current.clear();
      } else if (v == 0) {
        throw ctx.unsupported(
            "membership_values contains 0, which the reference implementation treats as the end"
                + " of a set");
      } else {
        current.add(v);
      }
    }
    if (parsed.size() != byIndex.size() || !current.isEmpty()) {
      throw ctx.error(
          "membership_values has "
              + parsed.size()
              + " NaN-terminated sets"
              + (current.isEmpty() ? "" : " and trailing values")
              + ", expected "
              + byIndex.size()
              + " (one per set-membership node)");
    }
    for (int k = 0; k < byIndex.size(); k++) {
      sets[byIndex.get(k)] = parsed.get(k);
    }
    return sets;
  }

  /** Depth-first (true branch first) visits of set-membership nodes, as the reference builds. */
  private static void preorderMembers(
      OpContext ctx, int root, byte[] mode, int[] onTrue, int[] onFalse, List<Integer> out) {
    int[] stack = new int[2 * mode.length + 2];
    int sp = 0;
    stack[sp++] = root;
    long budget = 4L * mode.length + 1_000_000;
    while (sp > 0) {
      if (--budget < 0) {
        throw ctx.unsupported("trees share subtrees too heavily to order their membership sets");
      }
      int at = stack[--sp];
      if (at < 0) {
        continue;
      }
      if (mode[at] == MEMBER) {
        out.add(at);
      }
      if (sp + 2 > stack.length) {
        stack = Arrays.copyOf(stack, 2 * stack.length);
      }
      stack[sp++] = onFalse[at];
      stack[sp++] = onTrue[at];
    }
  }

  /**
   * MIN and MAX leave unreached targets at 0 in ONNX Runtime but at the type's extreme in the
   * reference: only forests where every target gets a leaf from some tree on every row are exact.
   */
  private static void checkEveryTargetReached(
      OpContext ctx, int targets, int[] roots, int[] onTrue, int[] onFalse, int[] leafTarget) {
    boolean[] covered = new boolean[targets];
    for (int root : roots) {
      int only = onlyTarget(root, onTrue, onFalse, leafTarget);
      if (only >= 0) {
        covered[only] = true;
      }
    }
    for (int k = 0; k < targets; k++) {
      if (!covered[k]) {
        throw ctx.unsupported(
            "MIN/MAX aggregation where target "
                + k
                + " may get no leaf: its value is not specified (0 or the type's extreme)");
      }
    }
  }

  /** The target of every leaf reachable from {@code root} if they all share one, else -1. */
  private static int onlyTarget(int root, int[] onTrue, int[] onFalse, int[] leafTarget) {
    int n = onTrue.length;
    boolean[] seen = new boolean[n];
    int[] stack = new int[2 * n + 2];
    int sp = 0;
    stack[sp++] = root;
    int target = -2;
    while (sp > 0) {
      int at = stack[--sp];
      if (at < 0) {
        int t = leafTarget[-at - 1];
        if (target == -2) {
          target = t;
        } else if (target != t) {
          return -1;
        }
        continue;
      }
      if (seen[at]) {
        continue;
      }
      seen[at] = true;
      stack[sp++] = onTrue[at];
      stack[sp++] = onFalse[at];
    }
    return target;
  }

  private static long[] ints(OpContext ctx, String name) {
    if (!ctx.hasAttr(name)) {
      throw ctx.error("missing attribute '" + name + "'");
    }
    return ctx.attrInts(name, null);
  }

  private static long[] ints(OpContext ctx, String name, int n) {
    long[] v = ints(ctx, name);
    if (v.length != n) {
      throw ctx.error(
          name + " has " + v.length + " entries, expected " + n + " (one per interior node)");
    }
    return v;
  }

  private static Tensor tensor(OpContext ctx, String name, DType type, int n) {
    if (!ctx.hasAttr(name)) {
      throw ctx.error("missing attribute '" + name + "'");
    }
    Tensor v = ctx.attrTensor(name);
    if (v.dtype() != type) {
      throw ctx.error(name + " has type " + v.dtype() + ", expected " + type);
    }
    if (v.size() != n) {
      throw ctx.error(name + " has " + v.size() + " entries, expected " + n);
    }
    return v;
  }

  private static double[] values(OpContext ctx, Tensor t) {
    double[] r = new double[t.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = t.getDouble(i);
    }
    return r;
  }
}
