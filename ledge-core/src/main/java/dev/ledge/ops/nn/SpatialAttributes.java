package dev.ledge.ops.nn;

import dev.ledge.LedgeException;
import dev.ledge.kernels.SlidingWindow;
import dev.ledge.ops.OpContext;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The window attributes shared by Conv, ConvTranspose and the pooling operators (kernel_shape,
 * strides, dilations, pads, auto_pad), validated once at prepare time, and the output geometry they
 * give for an input size.
 */
final class SpatialAttributes {
  /** The auto_pad attribute. */
  enum AutoPad {
    NOTSET,
    SAME_UPPER,
    SAME_LOWER,
    VALID
  }

  final AutoPad autoPad;

  /** kernel_shape, or null if absent (Conv and ConvTranspose take it from the weights). */
  final long[] kernelShape;

  private final long[] strides;
  private final long[] dilations;
  private final long[] pads;

  private SpatialAttributes(
      AutoPad autoPad, long[] kernelShape, long[] strides, long[] dilations, long[] pads) {
    this.autoPad = autoPad;
    this.kernelShape = kernelShape;
    this.strides = strides;
    this.dilations = dilations;
    this.pads = pads;
  }

  /**
   * Reads and checks the attributes. {@code withDilations} is false for pooling versions that have
   * no dilations attribute (a present one is then rejected rather than ignored).
   */
  static SpatialAttributes parse(OpContext ctx, boolean kernelRequired, boolean withDilations) {
    String ap = ctx.attrString("auto_pad", "NOTSET");
    AutoPad autoPad;
    try {
      autoPad = AutoPad.valueOf(ap);
    } catch (IllegalArgumentException e) {
      throw ctx.error(
          "auto_pad is '" + ap + "', expected one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
    }
    long[] kernel =
        kernelRequired
            ? NnShapes.requiredInts(ctx, "kernel_shape")
            : ctx.attrInts("kernel_shape", null);
    long[] strides = ctx.attrInts("strides", null);
    long[] dilations = ctx.attrInts("dilations", null);
    if (dilations != null && !withDilations) {
      throw ctx.error("has a 'dilations' attribute, which opset " + ctx.opsetVersion() + " lacks");
    }
    long[] pads = ctx.attrInts("pads", null);
    checkPositive(ctx, "kernel_shape", kernel);
    checkPositive(ctx, "strides", strides);
    checkPositive(ctx, "dilations", dilations);
    if (pads != null) {
      if (pads.length % 2 != 0) {
        throw ctx.error("pads has " + pads.length + " values, expected an even number");
      }
      for (long p : pads) {
        if (p < 0 || p > Integer.MAX_VALUE / 4) {
          throw ctx.error("pads " + Arrays.toString(pads) + " must be non-negative");
        }
      }
    }
    return new SpatialAttributes(autoPad, kernel, strides, dilations, pads);
  }

  private static void checkPositive(OpContext ctx, String name, long[] v) {
    if (v == null) {
      return;
    }
    for (long x : v) {
      if (x < 1 || x > Integer.MAX_VALUE / 4) {
        throw ctx.error(name + " " + Arrays.toString(v) + " must hold positive values");
      }
    }
  }

  /** The number of spatial dims the attributes imply, or -1 if none of them says. */
  int impliedRank() {
    if (kernelShape != null) {
      return kernelShape.length;
    }
    if (strides != null) {
      return strides.length;
    }
    if (dilations != null) {
      return dilations.length;
    }
    return pads != null ? pads.length / 2 : -1;
  }

  /** Checks every given attribute has {@code rank} (or 2 * rank for pads) values. */
  void checkRank(Function<String, LedgeException> err, int rank) {
    check(err, "kernel_shape", kernelShape, rank);
    check(err, "strides", strides, rank);
    check(err, "dilations", dilations, rank);
    check(err, "pads", pads, 2 * rank);
  }

  private static void check(Function<String, LedgeException> err, String name, long[] v, int n) {
    if (v != null && v.length != n) {
      throw err.apply(
          name + " has " + v.length + " values, expected " + n + " for the input's rank");
    }
  }

  int stride(int i) {
    return strides == null ? 1 : (int) strides[i];
  }

  int dilation(int i) {
    return dilations == null ? 1 : (int) dilations[i];
  }

  int padBegin(int i) {
    return pads == null ? 0 : (int) pads[i];
  }

  int padEnd(int i, int rank) {
    return pads == null ? 0 : (int) pads[rank + i];
  }

  boolean hasPads() {
    return pads != null;
  }

  /**
   * The window of a convolution or pooling over an input of spatial size {@code in} with the given
   * kernel: auto_pad padding, output size (ceil_mode: rounding up, but never starting a window in
   * the end padding). Errors (an input smaller than the kernel) go through {@code err}.
   */
  SlidingWindow window(
      int[] in, int[] kernel, boolean ceilMode, Function<String, LedgeException> err) {
    int r = in.length;
    int[] out = new int[r];
    int[] s = new int[r];
    int[] d = new int[r];
    int[] pb = new int[r];
    int[] pe = new int[r];
    for (int i = 0; i < r; i++) {
      s[i] = stride(i);
      d[i] = dilation(i);
      long eff = (long) (kernel[i] - 1) * d[i] + 1;
      if (autoPad == AutoPad.SAME_UPPER || autoPad == AutoPad.SAME_LOWER) {
        out[i] = Math.ceilDiv(in[i], s[i]);
        long total = Math.max(0, (long) (out[i] - 1) * s[i] + eff - in[i]);
        long small = total / 2;
        pb[i] = (int) (autoPad == AutoPad.SAME_UPPER ? small : total - small);
        pe[i] = (int) (total - pb[i]);
        continue;
      }
      if (autoPad == AutoPad.NOTSET) {
        pb[i] = padBegin(i);
        pe[i] = padEnd(i, r);
      }
      long span = (long) in[i] + pb[i] + pe[i] - eff;
      if (span < 0) {
        throw err.apply(
            "spatial dim "
                + i
                + " of size "
                + in[i]
                + " (padded by "
                + pb[i]
                + "+"
                + pe[i]
                + ") is smaller than the kernel extent "
                + eff);
      }
      long o = (ceilMode ? Math.ceilDiv(span, s[i]) : span / s[i]) + 1;
      if (ceilMode && (o - 1) * s[i] >= (long) in[i] + pb[i]) {
        o--; // the last window would start in the end padding
      }
      if (o > Integer.MAX_VALUE) {
        throw err.apply("output dim " + i + " is too large: " + o);
      }
      out[i] = (int) o;
    }
    return SlidingWindow.of(in, out, kernel, s, d, pb, pe);
  }

  /** The kernel_shape attribute as ints (it must be present). */
  int[] kernel() {
    int[] k = new int[kernelShape.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = (int) kernelShape[i];
    }
    return k;
  }

  /** Output spatial sizes of a window (for static shapes), in the window's spatial rank. */
  static int[] outSizes(SlidingWindow g, int rank) {
    int[] all = {g.outD, g.outH, g.outW};
    return Arrays.copyOfRange(all, SlidingWindow.MAX_RANK - rank, SlidingWindow.MAX_RANK);
  }
}
