package dev.ledge.ops.nn;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Einsum (opset 12): a general Einstein summation with numpy's rules: explicit or implicit output,
 * an ellipsis broadcasting the unlabeled leading dims, repeated labels in one operand (diagonals),
 * labels missing from the output summed, size-1 dims broadcasting.
 *
 * <p>Computed by walking the whole index space (output labels, then summed labels) with one running
 * offset per operand, so any equation works; floats multiply and sum in double and round once,
 * integers in 64-bit arithmetic, which wraps exactly like the narrower types.
 */
final class EinsumOp implements Operator {
  /** Upper bound on operand reads of one run (about an hour of scalar work). */
  static final double MAX_STEPS = 0x1p40;

  private static final List<DType> TYPES =
      List.of(
          DType.UINT8,
          DType.UINT16,
          DType.UINT32,
          DType.UINT64,
          DType.INT8,
          DType.INT16,
          DType.INT32,
          DType.INT64,
          DType.FLOAT16,
          DType.FLOAT32,
          DType.FLOAT64,
          DType.BFLOAT16);

  @Override
  public Kernel prepare(OpContext ctx) {
    String equation = ctx.attrString("equation", null);
    if (equation == null) {
      throw ctx.error("missing required attribute 'equation'");
    }
    EinsumEquation eq;
    try {
      eq = EinsumEquation.parse(equation);
    } catch (IllegalArgumentException e) {
      throw ctx.error("equation '" + equation + "' is malformed: " + e.getMessage());
    }
    int n = ctx.inputCount();
    if (n < 1 || eq.inputs().size() != n) {
      throw ctx.error(
          "equation '" + equation + "' has " + eq.inputs().size() + " terms for " + n + " inputs");
    }
    DType t = ctx.requireInputType(0);
    if (t == null) {
      throw ctx.error("input 0 has an unknown type");
    }
    if (!TYPES.contains(t)) {
      throw ctx.error("input type " + t + " is not one Einsum accepts: " + TYPES);
    }
    for (int i = 1; i < n; i++) {
      if (ctx.inputDType(i) != null && ctx.inputDType(i) != t) {
        throw ctx.error("input " + i + " has type " + ctx.inputDType(i) + ", expected " + t);
      }
    }
    // Static output shape (and early errors) when every input shape is known.
    int[][] shapes = new int[n][];
    boolean known = true;
    for (int i = 0; i < n; i++) {
      shapes[i] = ctx.inputShape(i) == null ? null : ctx.inputShape(i).toIntsOrNull();
      known &= shapes[i] != null;
    }
    int[] outShape = known ? Layout.of(eq, equation, shapes, ctx::error).outShape() : null;
    ctx.setOutput(0, t, outShape == null ? null : dev.ledge.graph.Shape.of(outShape));
    return exec -> run(exec, eq, equation);
  }

  private static void run(ExecContext ctx, EinsumEquation eq, String equation) {
    int n = eq.inputs().size();
    Tensor[] in = new Tensor[n];
    for (int i = 0; i < n; i++) {
      in[i] = ctx.input(i);
    }
    int[][] shapes = new int[n][];
    for (int i = 0; i < n; i++) {
      shapes[i] = in[i].shape();
    }
    Layout layout = Layout.of(eq, equation, shapes, ctx::error);
    int[] out = layout.outShape();
    int[] dims = layout.dims();
    long[][] orderedStrides = layout.strides();
    int axes = dims.length;
    int outAxes = out.length;
    Tensor y = ctx.output(0, in[0].dtype(), out);
    int outSize = y.size();
    long inner = 1;
    for (int k = outAxes; k < axes; k++) {
      inner *= dims[k];
    }
    // Walking the index space costs outSize * inner steps; refuse what would run for hours.
    if ((double) outSize * inner * n > MAX_STEPS) {
      throw ctx.error(
          "'"
              + equation
              + "' on these shapes needs "
              + (double) outSize * inner
              + " products, more than this implementation computes ("
              + MAX_STEPS
              + ")");
    }
    boolean floating = in[0].dtype().isFloatingPoint();
    double[][] fd = new double[n][];
    long[][] ld = new long[n][];
    for (int i = 0; i < n; i++) {
      if (floating) {
        fd[i] = FloatIo.toDoubles(in[i]);
      } else {
        ld[i] = in[i].toLongArray();
      }
    }
    double[] resultD = floating ? new double[outSize] : null;
    int[] idx = new int[axes];
    long[] off = new long[n];
    for (int o = 0; o < outSize; o++) {
      double accD = 0;
      long accL = 0;
      for (long s = 0; s < inner; s++) {
        if (floating) {
          double prod = 1;
          for (int i = 0; i < n; i++) {
            prod *= fd[i][(int) off[i]];
          }
          accD += prod;
        } else {
          long prod = 1;
          for (int i = 0; i < n; i++) {
            prod *= ld[i][(int) off[i]];
          }
          accL += prod;
        }
        // Advance the odometer over all axes (summed axes fastest).
        for (int k = axes - 1; k >= 0; k--) {
          idx[k]++;
          for (int i = 0; i < n; i++) {
            off[i] += orderedStrides[i][k];
          }
          if (idx[k] < dims[k]) {
            break;
          }
          for (int i = 0; i < n; i++) {
            off[i] -= orderedStrides[i][k] * idx[k];
          }
          idx[k] = 0;
        }
      }
      if (floating) {
        resultD[o] = accD;
      } else {
        y.setLong(o, accL);
      }
      if (inner == 0) {
        // No summed element: the odometer did not move; step the output axes by hand.
        for (int k = outAxes - 1; k >= 0; k--) {
          idx[k]++;
          for (int i = 0; i < n; i++) {
            off[i] += orderedStrides[i][k];
          }
          if (idx[k] < dims[k]) {
            break;
          }
          for (int i = 0; i < n; i++) {
            off[i] -= orderedStrides[i][k] * idx[k];
          }
          idx[k] = 0;
        }
      }
    }
    if (floating) {
      FloatIo.store(resultD, y);
    }
  }

  /**
   * The iteration space of one equation over given input shapes: the output shape, the size of
   * every axis (output axes first, then the summed ones) and each operand's stride along each axis
   * (summed over repeated labels, 0 where the operand broadcasts).
   */
  record Layout(int[] outShape, int[] dims, long[][] strides) {
    static Layout of(
        EinsumEquation eq,
        String equation,
        int[][] shapes,
        java.util.function.Function<String, dev.ledge.LedgeException> err) {
      int n = shapes.length;
      // Ellipsis dims: right-aligned broadcast of every operand's unlabeled dims.
      int[] ell = new int[0];
      for (int i = 0; i < n; i++) {
        int[] term = eq.inputs().get(i);
        int labels = EinsumEquation.labelCount(term);
        int rank = shapes[i].length;
        boolean hasEll = EinsumEquation.hasEllipsis(term);
        if (hasEll ? rank < labels : rank != labels) {
          throw err.apply(
              "input "
                  + i
                  + " has shape "
                  + Arrays.toString(shapes[i])
                  + ", which does not fit its term in '"
                  + equation
                  + "'");
        }
        if (hasEll) {
          int at = indexOf(term, EinsumEquation.ELLIPSIS);
          int[] dims = Arrays.copyOfRange(shapes[i], at, at + rank - labels);
          ell = Shapes.broadcastOrNull(ell, dims);
          if (ell == null) {
            throw err.apply("the '...' dims of the inputs do not broadcast in '" + equation + "'");
          }
        }
      }
      int e = ell.length;
      if (e > 0 && !EinsumEquation.hasEllipsis(eq.output()) && hasExplicitArrow(equation)) {
        throw err.apply(
            "the inputs have '...' dims but the output of '" + equation + "' has no '...'");
      }
      // Axes: 0..e-1 are the ellipsis dims, then one per label in order of appearance.
      int[] axisOfLabel = new int[128];
      Arrays.fill(axisOfLabel, -1);
      List<Integer> sizes = new ArrayList<>();
      for (int d : ell) {
        sizes.add(d);
      }
      for (int i = 0; i < n; i++) {
        int[] term = eq.inputs().get(i);
        int[] shape = shapes[i];
        int d = 0;
        for (int l : term) {
          if (l == EinsumEquation.ELLIPSIS) {
            d += shape.length - EinsumEquation.labelCount(term);
            continue;
          }
          int size = shape[d++];
          if (axisOfLabel[l] < 0) {
            axisOfLabel[l] = sizes.size();
            sizes.add(size);
          } else {
            int have = sizes.get(axisOfLabel[l]);
            if (have != size && have != 1 && size != 1) {
              throw err.apply(
                  "label '"
                      + EinsumEquation.label(l)
                      + "' has sizes "
                      + have
                      + " and "
                      + size
                      + " in '"
                      + equation
                      + "'");
            }
            sizes.set(axisOfLabel[l], Math.max(have, size));
          }
        }
      }
      int axes = sizes.size();
      // Order: output axes first, then the summed ones.
      List<Integer> order = new ArrayList<>();
      List<Integer> outShape = new ArrayList<>();
      for (int l : eq.output()) {
        if (l == EinsumEquation.ELLIPSIS) {
          for (int k = 0; k < e; k++) {
            order.add(k);
            outShape.add(ell[k]);
          }
        } else {
          order.add(axisOfLabel[l]);
          outShape.add(sizes.get(axisOfLabel[l]));
        }
      }
      for (int a = 0; a < axes; a++) {
        if (!order.contains(a)) {
          order.add(a);
        }
      }
      long[][] strides = new long[n][axes];
      for (int i = 0; i < n; i++) {
        int[] term = eq.inputs().get(i);
        int[] shape = shapes[i];
        int[] st = Shapes.strides(shape);
        int d = 0;
        for (int l : term) {
          if (l == EinsumEquation.ELLIPSIS) {
            int cnt = shape.length - EinsumEquation.labelCount(term);
            for (int k = 0; k < cnt; k++, d++) {
              int axis = e - cnt + k;
              if (shape[d] != 1 || ell[axis] == 1) {
                strides[i][axis] += st[d];
              }
            }
            continue;
          }
          int axis = axisOfLabel[l];
          if (shape[d] != 1 || sizes.get(axis) == 1) {
            strides[i][axis] += st[d];
          }
          d++;
        }
      }
      int[] dims = new int[axes];
      long[][] ordered = new long[n][axes];
      for (int k = 0; k < axes; k++) {
        dims[k] = sizes.get(order.get(k));
        for (int i = 0; i < n; i++) {
          ordered[i][k] = strides[i][order.get(k)];
        }
      }
      return new Layout(outShape.stream().mapToInt(Integer::intValue).toArray(), dims, ordered);
    }
  }

  private static boolean hasExplicitArrow(String equation) {
    return equation.contains("->");
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
