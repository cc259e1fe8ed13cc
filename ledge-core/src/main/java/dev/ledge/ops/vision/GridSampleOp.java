package dev.ledge.ops.vision;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
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
 * GridSample (opset 16: 4-D input, modes bilinear/nearest/bicubic; opset 20+: N-D input, modes
 * linear/nearest/cubic): samples {@code X} at the normalized locations of {@code grid}, with zeros,
 * border or reflection padding.
 *
 * <p>Follows the ONNX reference: grid coordinates are denormalized in the grid's precision (float32
 * for float16/bfloat16/float32 grids), out-of-range coordinates are clamped or reflected first for
 * border/reflection padding, and every interpolation tap is then read with the padding rule.
 * Nearest rounds half to even in every dimension (as the spec says; the conformance data for 3
 * spatial dimensions agrees).
 */
final class GridSampleOp implements Operator {
  private enum Mode {
    LINEAR,
    NEAREST,
    CUBIC
  }

  private enum Padding {
    ZEROS,
    BORDER,
    REFLECTION
  }

  private static final double CUBIC_ALPHA = -0.75;

  @Override
  public Kernel prepare(OpContext ctx) {
    long version = ctx.opsetVersion();
    if (version < 16) {
      throw ctx.error("GridSample exists from opset 16, the model imports opset " + version);
    }
    ctx.requireInputCount(2, 2);
    DType xType = ctx.requireInputType(0);
    DType gridType = ctx.requireInputType(1);
    if (xType != null && !xType.isFloatingPoint()) {
      throw ctx.unsupported("X of type " + xType + " (only float16/bfloat16/float32/float64)");
    }
    if (gridType != null && !gridType.isFloatingPoint()) {
      throw ctx.error("grid has type " + gridType + ", expected a float type");
    }
    if ((xType != null && !isSupportedFloat(xType))
        || (gridType != null && !isSupportedFloat(gridType))) {
      throw ctx.unsupported("float8/float4 inputs");
    }
    boolean v20 = version >= 20;
    String modeName = ctx.attrString("mode", v20 ? "linear" : "bilinear");
    Mode mode =
        switch (modeName) {
          case "linear" -> v20 ? Mode.LINEAR : null;
          case "bilinear" -> v20 ? null : Mode.LINEAR;
          case "cubic" -> v20 ? Mode.CUBIC : null;
          case "bicubic" -> v20 ? null : Mode.CUBIC;
          case "nearest" -> Mode.NEAREST;
          default -> null;
        };
    if (mode == null) {
      throw ctx.error(
          "mode '"
              + modeName
              + "' is not valid in opset "
              + version
              + ", expected "
              + (v20 ? "linear, nearest or cubic" : "bilinear, nearest or bicubic"));
    }
    String padName = ctx.attrString("padding_mode", "zeros");
    Padding padding =
        switch (padName) {
          case "zeros" -> Padding.ZEROS;
          case "border" -> Padding.BORDER;
          case "reflection" -> Padding.REFLECTION;
          default ->
              throw ctx.error(
                  "padding_mode '"
                      + padName
                      + "' is not valid, expected zeros, border or reflection");
        };
    boolean alignCorners = ctx.attrInt("align_corners", 0) != 0;

    Shape xs = ctx.inputShape(0);
    Shape gs = ctx.inputShape(1);
    if (xs != null) {
      checkRank(ctx, xs.rank(), v20);
    }
    if (xs != null && gs != null && gs.rank() != xs.rank()) {
      throw ctx.error(
          "grid has rank " + gs.rank() + ", expected the rank of X (" + xs.rank() + ")");
    }
    Shape outShape = null;
    if (xs != null && gs != null) {
      List<Dim> dims = new ArrayList<>();
      dims.add(xs.dim(0));
      dims.add(xs.dim(1));
      for (int i = 1; i < gs.rank() - 1; i++) {
        dims.add(gs.dim(i));
      }
      outShape = new Shape(dims);
    }
    ctx.setOutput(0, xType, outShape);
    boolean floatCoords = gridType != DType.FLOAT64;
    return exec -> run(exec, v20, mode, padding, alignCorners, floatCoords);
  }

  private static boolean isSupportedFloat(DType t) {
    return t == DType.FLOAT16 || t == DType.BFLOAT16 || t == DType.FLOAT32 || t == DType.FLOAT64;
  }

  private static void checkRank(OpContext ctx, int rank, boolean v20) {
    if (v20 ? rank < 3 : rank != 4) {
      throw ctx.error(
          "X has rank " + rank + ", expected " + (v20 ? "at least 3 (N, C, spatial...)" : "4"));
    }
  }

  private static void run(
      ExecContext ctx,
      boolean v20,
      Mode mode,
      Padding padding,
      boolean alignCorners,
      boolean floatCoords) {
    Tensor x = ctx.input(0);
    Tensor grid = ctx.input(1);
    int[] xs = x.shape();
    int[] gs = grid.shape();
    if (v20 ? xs.length < 3 : xs.length != 4) {
      throw ctx.error("X has shape " + Arrays.toString(xs) + ", expected rank 4 (or >= 3)");
    }
    int r = xs.length - 2;
    if (gs.length != xs.length || gs[0] != xs[0] || gs[gs.length - 1] != r) {
      throw ctx.error(
          "grid has shape "
              + Arrays.toString(gs)
              + ", expected ["
              + xs[0]
              + ", spatial..., "
              + r
              + "] for X of shape "
              + Arrays.toString(xs));
    }
    int batches = xs[0];
    int channels = xs[1];
    int[] dims = Arrays.copyOfRange(xs, 2, xs.length);
    int[] outShape = new int[xs.length];
    outShape[0] = batches;
    outShape[1] = channels;
    System.arraycopy(gs, 1, outShape, 2, r);
    Tensor y = ctx.output(0, x.dtype(), outShape);
    if (y.size() == 0) {
      return;
    }
    int outSpatial = Shapes.size(Arrays.copyOfRange(gs, 1, gs.length - 1));
    int inSpatial = Shapes.size(dims);
    if (inSpatial == 0) {
      throw ctx.error("X has an empty spatial dimension: " + Arrays.toString(xs));
    }
    int[] strides = Shapes.strides(dims);
    double[] xd = FloatIo.read(x);
    double[] gd = FloatIo.read(grid);
    double[] yd = new double[y.size()];

    int taps = mode == Mode.CUBIC ? 4 : mode == Mode.LINEAR ? 2 : 1;
    int corners = 1;
    for (int d = 0; d < r; d++) {
      corners *= taps;
    }
    long[][] tapIndex = new long[r][taps];
    double[][] tapWeight = new double[r][taps];
    int[] cornerOffset = new int[corners];
    double[] cornerWeight = new double[corners];
    int[] counter = new int[r];

    for (int b = 0; b < batches; b++) {
      for (int p = 0; p < outSpatial; p++) {
        int gBase = (b * outSpatial + p) * r;
        for (int d = 0; d < r; d++) {
          // The grid lists coordinates innermost dimension first.
          double n = gd[gBase + r - 1 - d];
          double c = denormalize(n, dims[d], alignCorners, floatCoords);
          if (mode == Mode.NEAREST) {
            c = Math.rint(c);
          }
          double lo = alignCorners ? 0 : -0.5;
          double hi = alignCorners ? dims[d] - 1 : dims[d] - 0.5;
          if (c < lo || c > hi) {
            if (padding == Padding.BORDER) {
              c = Math.min(Math.max(c, 0), dims[d] - 1);
            } else if (padding == Padding.REFLECTION) {
              c = reflect(c, lo, hi);
            }
            if (floatCoords) {
              c = (float) c;
            }
          }
          switch (mode) {
            case NEAREST -> {
              tapIndex[d][0] = pixelIndex((long) c, dims[d], padding, lo, hi);
              tapWeight[d][0] = 1;
            }
            case LINEAR -> {
              long i0 = (long) Math.floor(c);
              double t = c - i0;
              tapIndex[d][0] = pixelIndex(i0, dims[d], padding, lo, hi);
              tapIndex[d][1] = pixelIndex(i0 + 1, dims[d], padding, lo, hi);
              tapWeight[d][0] = 1 - t;
              tapWeight[d][1] = t;
            }
            case CUBIC -> {
              long i0 = (long) Math.floor(c);
              cubicCoefficients(c - i0, tapWeight[d]);
              for (int t = 0; t < 4; t++) {
                tapIndex[d][t] = pixelIndex(i0 - 1 + t, dims[d], padding, lo, hi);
              }
            }
          }
        }
        // Expand the separable taps into (offset, weight) corners; -1 marks a zero-padded tap.
        Arrays.fill(counter, 0);
        for (int k = 0; k < corners; k++) {
          long off = 0;
          double w = 1;
          for (int d = 0; d < r; d++) {
            long idx = tapIndex[d][counter[d]];
            if (idx < 0) {
              off = -1;
              break;
            }
            off += idx * strides[d];
            w *= tapWeight[d][counter[d]];
          }
          cornerOffset[k] = (int) off;
          cornerWeight[k] = w;
          for (int d = r - 1; d >= 0; d--) {
            if (++counter[d] < taps) {
              break;
            }
            counter[d] = 0;
          }
        }
        for (int ch = 0; ch < channels; ch++) {
          int xBase = (b * channels + ch) * inSpatial;
          double sum = 0;
          for (int k = 0; k < corners; k++) {
            if (cornerOffset[k] >= 0) {
              sum += cornerWeight[k] * xd[xBase + cornerOffset[k]];
            }
          }
          yd[(b * channels + ch) * outSpatial + p] = sum;
        }
      }
    }
    FloatIo.write(yd, y);
  }

  /** Normalized [-1, 1] coordinate to pixel coordinate, in float32 steps unless the grid is f64. */
  private static double denormalize(double n, int size, boolean alignCorners, boolean f32) {
    if (f32) {
      float v = (float) n;
      return alignCorners ? (v + 1) / 2.0f * (size - 1) : ((v + 1) * size - 1) / 2.0f;
    }
    return alignCorners ? (n + 1) / 2.0 * (size - 1) : ((n + 1) * size - 1) / 2.0;
  }

  /** Reflects {@code x} by the nearer border until it lies within [lo, hi]. */
  static double reflect(double x, double lo, double hi) {
    double range = hi - lo;
    if (!(range > 0)) {
      return lo;
    }
    if (x < lo) {
      double dx = lo - x;
      double n = Math.floor(dx / range);
      double rem = dx - n * range;
      return n % 2 == 0 ? lo + rem : hi - rem;
    }
    if (x > hi) {
      double dx = x - hi;
      double n = Math.floor(dx / range);
      double rem = dx - n * range;
      return n % 2 == 0 ? hi - rem : lo + rem;
    }
    return x;
  }

  /** The index to read for tap {@code i} of a dimension, or -1 for a zero-padded tap. */
  private static long pixelIndex(long i, int size, Padding padding, double lo, double hi) {
    return switch (padding) {
      case ZEROS -> i >= 0 && i < size ? i : -1;
      case BORDER -> Math.min(Math.max(i, 0), size - 1);
      case REFLECTION -> {
        long j = (long) reflect(i, lo, hi);
        yield Math.min(Math.max(j, 0), size - 1);
      }
    };
  }

  /** Keys cubic convolution weights (alpha -0.75) for the taps at -1, 0, 1, 2 from floor(x). */
  private static void cubicCoefficients(double t, double[] w) {
    double a = CUBIC_ALPHA;
    double x = Math.abs(t);
    w[0] = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a;
    w[1] = ((a + 2) * x - (a + 3)) * x * x + 1;
    w[2] = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1;
    w[3] = ((a * (2 - x) - 5 * a) * (2 - x) + 8 * a) * (2 - x) - 4 * a;
  }
}
