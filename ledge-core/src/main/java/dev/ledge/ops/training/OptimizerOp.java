package dev.ledge.ops.training;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Broadcast;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * The shared shape of the training optimizers: inputs {@code R} (learning rate, a float scalar),
 * {@code T} (update count, an int64 scalar), then {@code n} optimized tensors X followed by their
 * gradients G and {@code states - 1} further per-tensor state groups (e.g. V, H); outputs the new
 * X's followed by the new states. Subclasses give the element-wise update, computed in double and
 * rounded once to the tensors' type.
 *
 * <p>G may broadcast to X's shape; the states must have X's shape (their updates do).
 */
abstract class OptimizerOp implements Operator {
  /** Number of per-tensor input groups (X, G and the states), e.g. 3 for X, G, H. */
  abstract int inputGroups();

  /** Reads attributes once; returns the update rule. */
  abstract Rule prepareRule(OpContext ctx);

  /** The element-wise update of one optimizer. */
  interface Rule {
    /**
     * Updates one element.
     *
     * @param r the learning rate R
     * @param t the update count T
     * @param x the tensor's element
     * @param g its gradient
     * @param state the element's state values (V, H, ...) in input order, overwritten with the new
     *     ones
     * @return the new value of x
     */
    double apply(double r, long t, double x, double g, double[] state);
  }

  @Override
  public final Kernel prepare(OpContext ctx) {
    int groups = inputGroups();
    int variadic = ctx.inputCount() - 2;
    if (variadic <= 0 || variadic % groups != 0) {
      throw ctx.error(
          "has "
              + ctx.inputCount()
              + " inputs: expected R, T and a multiple of "
              + groups
              + " tensors (X's, G's"
              + (groups > 2 ? " and their states" : "")
              + ")");
    }
    int n = variadic / groups;
    int outputs = n * (groups - 1);
    if (ctx.outputCount() != outputs) {
      throw ctx.error(
          "has " + ctx.outputCount() + " outputs, expected " + outputs + " for " + n + " tensors");
    }
    ctx.requireInputType(0, DType.FLOAT32, DType.FLOAT64);
    ctx.requireInputType(1, DType.INT64);
    requireScalar(ctx, 0, "R");
    requireScalar(ctx, 1, "T");
    DType t = ctx.requireInputType(2, DType.FLOAT32, DType.FLOAT64);
    for (int i = 3; i < ctx.inputCount(); i++) {
      DType ti = ctx.requireInputType(i, DType.FLOAT32, DType.FLOAT64);
      if (t == null) {
        t = ti;
      } else if (ti != null && ti != t) {
        throw ctx.error(
            "input " + i + " has type " + ti + " but input 2 has " + t + "; all must match");
      }
    }
    if (t == null) {
      throw ctx.unsupported("the optimized tensors' element type is not known");
    }
    for (int k = 0; k < n; k++) {
      Shape xs = ctx.inputShape(2 + k);
      ctx.setOutput(k, t, xs);
      for (int s = 1; s < groups - 1; s++) {
        ctx.setOutput(k + s * n, t, ctx.inputShape(2 + (s + 1) * n + k));
      }
    }
    Rule rule = prepareRule(ctx);
    DType type = t;
    return exec -> run(exec, rule, n, groups, type);
  }

  private static void requireScalar(OpContext ctx, int i, String name) {
    Shape s = ctx.inputShape(i);
    if (s != null && s.isStatic()) {
      long size = 1;
      for (var d : s.dims()) {
        size *= d.value();
      }
      if (size != 1) {
        throw ctx.error(name + " has shape " + s + ", expected a scalar");
      }
    }
  }

  private static void run(ExecContext ctx, Rule rule, int n, int groups, DType t) {
    Tensor rt = ctx.input(0);
    Tensor tt = ctx.input(1);
    if (rt.size() != 1 || tt.size() != 1) {
      throw ctx.error(
          "R and T must be scalars, got shapes "
              + Arrays.toString(rt.shape())
              + " and "
              + Arrays.toString(tt.shape()));
    }
    double r = rt.getDouble(0);
    long step = tt.getLong(0);
    int states = groups - 2;
    double[] state = new double[states];
    for (int k = 0; k < n; k++) {
      Tensor x = ctx.input(2 + k);
      Tensor g = ctx.input(2 + n + k);
      int[] shape = x.shape();
      Tensor[] in = new Tensor[states];
      Tensor[] out = new Tensor[states];
      for (int s = 0; s < states; s++) {
        in[s] = ctx.input(2 + (s + 2) * n + k);
        if (!Arrays.equals(in[s].shape(), shape)) {
          throw ctx.error(
              "state input "
                  + (2 + (s + 2) * n + k)
                  + " has shape "
                  + Arrays.toString(in[s].shape())
                  + ", expected X's shape "
                  + Arrays.toString(shape));
        }
      }
      int[] gi = null;
      if (!Arrays.equals(g.shape(), shape)) {
        int[] b = dev.ledge.tensor.Shapes.broadcastOrNull(g.shape(), shape);
        if (b == null || !Arrays.equals(b, shape)) {
          throw ctx.error(
              "gradient input "
                  + (2 + n + k)
                  + " has shape "
                  + Arrays.toString(g.shape())
                  + ", which does not broadcast to X's shape "
                  + Arrays.toString(shape));
        }
        gi = Broadcast.indexMap(g.shape(), shape);
      }
      Tensor xNew = ctx.output(k, t, shape);
      for (int s = 0; s < states; s++) {
        out[s] = ctx.output(k + (s + 1) * n, t, shape);
      }
      int size = x.size();
      for (int i = 0; i < size; i++) {
        for (int s = 0; s < states; s++) {
          state[s] = read(in[s], i);
        }
        double v = rule.apply(r, step, read(x, i), read(g, gi == null ? i : gi[i]), state);
        write(xNew, i, v);
        for (int s = 0; s < states; s++) {
          write(out[s], i, state[s]);
        }
      }
    }
  }

  private static double read(Tensor t, int i) {
    return t.dtype() == DType.FLOAT32 ? t.floats()[t.offset() + i] : t.doubles()[t.offset() + i];
  }

  private static void write(Tensor t, int i, double v) {
    if (t.dtype() == DType.FLOAT32) {
      t.floats()[t.offset() + i] = (float) v;
    } else {
      t.doubles()[t.offset() + i] = v;
    }
  }

  /** A required float attribute (as the double of its float value). */
  static double requiredFloat(OpContext ctx, String name) {
    if (!ctx.hasAttr(name)) {
      throw ctx.error("missing required attribute '" + name + "'");
    }
    return ctx.attrFloat(name, 0f);
  }
}
