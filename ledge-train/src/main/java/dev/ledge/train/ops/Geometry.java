package dev.ledge.train.ops;

import dev.ledge.LedgeException;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpContext;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The window geometry of a convolution or pooling over one to three spatial dims, always stored as
 * three (depth, height, width; missing leading dims have size 1, kernel 1, stride 1, no padding).
 * Output position {@code o} of a dim reads input positions {@code o * stride - padBegin + k *
 * dilation}, {@code k < kernel}; positions outside {@code [0, in)} are padding.
 *
 * <p>The attributes are those of ONNX Conv / MaxPool / AveragePool; the output sizes are the actual
 * dims of the incoming gradient, checked against the forward op's formula.
 */
final class Geometry {
  final int[] in = new int[3];
  final int[] out = new int[3];
  final int[] k = new int[3];
  final int[] s = new int[3];
  final int[] d = new int[3];
  final int[] pb = new int[3];
  final int[] pe = new int[3];

  int inSize() {
    return in[0] * in[1] * in[2];
  }

  int outSize() {
    return out[0] * out[1] * out[2];
  }

  int kernelSize() {
    return k[0] * k[1] * k[2];
  }

  /** The window attributes of a node, validated at prepare time. */
  record Attrs(long[] kernel, long[] strides, long[] dilations, long[] pads, String autoPad) {
    static Attrs of(OpContext ctx, boolean kernelRequired) {
      long[] kernel = ctx.attrInts("kernel_shape", null);
      if (kernel == null && kernelRequired) {
        throw ctx.error("missing required attribute 'kernel_shape'");
      }
      String autoPad = ctx.attrString("auto_pad", "NOTSET");
      if (!java.util.Set.of("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID").contains(autoPad)) {
        throw ctx.error(
            "auto_pad is '" + autoPad + "', expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
      }
      Attrs a =
          new Attrs(
              kernel,
              ctx.attrInts("strides", null),
              ctx.attrInts("dilations", null),
              ctx.attrInts("pads", null),
              autoPad);
      int r = kernel != null ? kernel.length : -1;
      for (long[] v : new long[][] {a.strides, a.dilations}) {
        if (v != null) {
          if (r >= 0 && v.length != r) {
            throw ctx.error("strides/dilations have " + v.length + " values, expected " + r);
          }
          for (long x : v) {
            if (x < 1) {
              throw ctx.error("strides and dilations must be >= 1, got " + Arrays.toString(v));
            }
          }
        }
      }
      if (kernel != null) {
        if (r < 1 || r > 3) {
          throw ctx.unsupported(r + " spatial dims; training kernels handle 1 to 3");
        }
        for (long x : kernel) {
          if (x < 1) {
            throw ctx.error("kernel_shape must be >= 1, got " + Arrays.toString(kernel));
          }
        }
      }
      if (a.pads != null) {
        if (r >= 0 && a.pads.length != 2 * r) {
          throw ctx.error("pads has " + a.pads.length + " values, expected " + 2 * r);
        }
        for (long p : a.pads) {
          if (p < 0) {
            throw ctx.error("pads must be >= 0, got " + Arrays.toString(a.pads));
          }
        }
      }
      return a;
    }
  }

  /**
   * The output spatial dims of a window over {@code inDims} with these attributes and kernel, as
   * ONNX Conv and MaxPool compute them: auto_pad SAME gives ceil(in / stride); otherwise (in + pads
   * - window extent) / stride + 1, rounded down or (pooling's ceil_mode) up, but never starting a
   * window in the end padding.
   */
  static int[] outputDims(
      Attrs a, long[] kernel, int[] inDims, boolean ceil, Function<String, LedgeException> err) {
    int r = inDims.length;
    if (kernel.length != r) {
      throw err.apply("input has " + r + " spatial dims, kernel " + Arrays.toString(kernel));
    }
    if ((a.strides != null && a.strides.length != r)
        || (a.dilations != null && a.dilations.length != r)
        || (a.pads != null && a.pads.length != 2 * r)) {
      throw err.apply("attributes do not match " + r + " spatial dims");
    }
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int s = a.strides == null ? 1 : (int) a.strides[i];
      int d = a.dilations == null ? 1 : (int) a.dilations[i];
      long span = (kernel[i] - 1) * d + 1;
      if (a.autoPad.startsWith("SAME")) {
        out[i] = Math.ceilDiv(inDims[i], s);
        continue;
      }
      long pb = a.autoPad.equals("VALID") || a.pads == null ? 0 : a.pads[i];
      long pe = a.autoPad.equals("VALID") || a.pads == null ? 0 : a.pads[i + r];
      long room = inDims[i] + pb + pe - span;
      if (room < 0) {
        throw err.apply(
            "spatial dim "
                + i
                + " of size "
                + inDims[i]
                + " (padded by "
                + pb
                + "+"
                + pe
                + ") is smaller than the window extent "
                + span);
      }
      long o = (ceil ? Math.ceilDiv(room, s) : room / s) + 1;
      if (ceil && (o - 1) * s >= inDims[i] + pb) {
        o--; // the last window would start in the end padding
      }
      out[i] = (int) o;
    }
    return out;
  }

  /**
   * The geometry of one run.
   *
   * @param inDims spatial dims of the input
   * @param outDims spatial dims of the output (the gradient's)
   * @param kernel kernel dims (from the attribute or the weight)
   * @param ceilAllowed whether the output size may round up (pooling with ceil_mode)
   */
  static Geometry of(
      ExecContext ctx, Attrs a, int[] inDims, int[] outDims, long[] kernel, boolean ceilAllowed) {
    int r = inDims.length;
    if (r < 1 || r > 3 || outDims.length != r || kernel.length != r) {
      throw ctx.error(
          "spatial dims: input "
              + Arrays.toString(inDims)
              + ", gradient "
              + Arrays.toString(outDims)
              + ", kernel "
              + Arrays.toString(kernel)
              + " do not match (1 to 3 spatial dims)");
    }
    if ((a.strides != null && a.strides.length != r)
        || (a.dilations != null && a.dilations.length != r)
        || (a.pads != null && a.pads.length != 2 * r)) {
      throw ctx.error("attributes do not match " + r + " spatial dims");
    }
    Geometry g = new Geometry();
    Arrays.fill(g.in, 1);
    Arrays.fill(g.out, 1);
    Arrays.fill(g.k, 1);
    Arrays.fill(g.s, 1);
    Arrays.fill(g.d, 1);
    for (int i = 0; i < r; i++) {
      int j = 3 - r + i;
      g.in[j] = inDims[i];
      g.out[j] = outDims[i];
      g.k[j] = (int) kernel[i];
      g.s[j] = a.strides == null ? 1 : (int) a.strides[i];
      g.d[j] = a.dilations == null ? 1 : (int) a.dilations[i];
      int span = (g.k[j] - 1) * g.d[j] + 1;
      switch (a.autoPad) {
        case "SAME_UPPER", "SAME_LOWER" -> {
          int total = Math.max(0, (g.out[j] - 1) * g.s[j] + span - g.in[j]);
          g.pb[j] = a.autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
          g.pe[j] = total - g.pb[j];
        }
        case "VALID" -> {
          g.pb[j] = 0;
          g.pe[j] = 0;
        }
        default -> {
          g.pb[j] = a.pads == null ? 0 : (int) a.pads[i];
          g.pe[j] = a.pads == null ? 0 : (int) a.pads[i + r];
        }
      }
      long room = (long) g.in[j] + g.pb[j] + g.pe[j] - span;
      long floor = room < 0 ? 0 : room / g.s[j] + 1;
      long ceil = room < 0 ? 0 : (room + g.s[j] - 1) / g.s[j] + 1;
      boolean ok =
          a.autoPad.startsWith("SAME")
              ? g.out[j] == (g.in[j] + g.s[j] - 1) / g.s[j]
              : g.out[j] == floor || (ceilAllowed && g.out[j] == ceil);
      if (!ok) {
        throw ctx.error(
            "gradient has spatial dims "
                + Arrays.toString(outDims)
                + ", which the window does not"
                + " produce from input dims "
                + Arrays.toString(inDims));
      }
    }
    return g;
  }
}
