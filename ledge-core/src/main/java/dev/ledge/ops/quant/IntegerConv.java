package dev.ledge.ops.quant;

import dev.ledge.LedgeException;
import dev.ledge.graph.Shape;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.Shapes;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Direct N-d convolution of zero-point-corrected integers with exact int32 accumulation, shared by
 * ConvInteger and QLinearConv. Handles the Conv attributes {@code auto_pad} (NOTSET, VALID,
 * SAME_UPPER, SAME_LOWER), {@code pads}, {@code strides}, {@code dilations}, {@code group} and
 * {@code kernel_shape}. X is [N, C, D1..Dk], W is [M, C/group, K1..Kk], the result [N, M, O1..Ok].
 */
final class IntegerConv {
  /** The convolution attributes, read once in prepare. */
  record Attributes(
      String autoPad,
      long[] pads,
      long[] strides,
      long[] dilations,
      long group,
      long[] kernelShape) {
    static Attributes read(OpContext ctx) {
      String autoPad = ctx.attrString("auto_pad", "NOTSET");
      if (!List.of("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").contains(autoPad)) {
        throw ctx.error(
            "auto_pad is '" + autoPad + "', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
      }
      long group = ctx.attrInt("group", 1);
      if (group < 1) {
        throw ctx.error("group must be >= 1, got " + group);
      }
      long[] pads = ctx.attrInts("pads", null);
      if (pads != null && !autoPad.equals("NOTSET")) {
        throw ctx.error("pads cannot be given together with auto_pad " + autoPad);
      }
      return new Attributes(
          autoPad,
          pads,
          ctx.attrInts("strides", null),
          ctx.attrInts("dilations", null),
          group,
          ctx.attrInts("kernel_shape", null));
    }
  }

  private final int batch;
  private final int channels;
  private final int filters;
  private final int group;
  private final int[] in;
  private final int[] kernel;
  private final int[] out;
  private final int[] padBegin;
  private final int[] stride;
  private final int[] dilation;

  private IntegerConv(
      int batch,
      int channels,
      int filters,
      int group,
      int[] in,
      int[] kernel,
      int[] out,
      int[] padBegin,
      int[] stride,
      int[] dilation) {
    this.batch = batch;
    this.channels = channels;
    this.filters = filters;
    this.group = group;
    this.in = in;
    this.kernel = kernel;
    this.out = out;
    this.padBegin = padBegin;
    this.stride = stride;
    this.dilation = dilation;
  }

  /** The geometry for input shape {@code x} and weight shape {@code w}, or a clear error. */
  static IntegerConv of(int[] x, int[] w, Attributes a, Function<String, LedgeException> error) {
    if (x.length < 3 || w.length != x.length) {
      throw error.apply(
          "expected X of shape [N, C, D1, ...] and W of the same rank, got "
              + Arrays.toString(x)
              + " and "
              + Arrays.toString(w));
    }
    int k = x.length - 2;
    int c = x[1];
    int m = w[0];
    long g = a.group();
    if (c % g != 0 || m % g != 0 || w[1] != c / g) {
      throw error.apply(
          "with group "
              + g
              + ", X "
              + Arrays.toString(x)
              + " and W "
              + Arrays.toString(w)
              + " need C and M divisible by the group and W.shape[1] = C / group");
    }
    int[] kernel = Arrays.copyOfRange(w, 2, w.length);
    if (a.kernelShape() != null && !Arrays.equals(toInts(a.kernelShape()), kernel)) {
      throw error.apply(
          "kernel_shape "
              + Arrays.toString(a.kernelShape())
              + " differs from W's spatial dims "
              + Arrays.toString(kernel));
    }
    int[] stride = spatial(a.strides(), k, 1, "strides", error);
    int[] dilation = spatial(a.dilations(), k, 1, "dilations", error);
    int[] padBegin = new int[k];
    int[] padEnd = new int[k];
    if (a.pads() != null) {
      if (a.pads().length != 2 * k) {
        throw error.apply("pads has " + a.pads().length + " values, expected " + 2 * k);
      }
      for (int d = 0; d < k; d++) {
        padBegin[d] = checkedPad(a.pads()[d], error);
        padEnd[d] = checkedPad(a.pads()[d + k], error);
      }
    }
    int[] in = Arrays.copyOfRange(x, 2, x.length);
    int[] out = new int[k];
    for (int d = 0; d < k; d++) {
      long span = (long) (kernel[d] - 1) * dilation[d] + 1;
      long o;
      switch (a.autoPad()) {
        case "SAME_UPPER", "SAME_LOWER" -> {
          o = (in[d] + stride[d] - 1) / stride[d];
          long total = Math.max(0, (o - 1) * stride[d] + span - in[d]);
          long small = total / 2;
          padBegin[d] = (int) (a.autoPad().equals("SAME_UPPER") ? small : total - small);
        }
        case "VALID" -> o = Math.floorDiv(in[d] - span, stride[d]) + 1;
        default -> o = Math.floorDiv((long) in[d] + padBegin[d] + padEnd[d] - span, stride[d]) + 1;
      }
      if (o < 1 || o > Shapes.MAX_ELEMENTS || kernel[d] < 1) {
        throw error.apply(
            "spatial dim "
                + d
                + " of X "
                + Arrays.toString(x)
                + " does not fit kernel "
                + Arrays.toString(kernel)
                + " with these pads, strides and dilations");
      }
      out[d] = (int) o;
    }
    IntegerConv conv =
        new IntegerConv(x[0], c, m, (int) g, in, kernel, out, padBegin, stride, dilation);
    try {
      Shapes.size(conv.outShape());
    } catch (LedgeException e) {
      throw error.apply("output shape " + Arrays.toString(conv.outShape()) + " is too large");
    }
    return conv;
  }

  private static int checkedPad(long p, Function<String, LedgeException> error) {
    if (p < 0 || p > Integer.MAX_VALUE / 4) {
      throw error.apply("pad " + p + " is out of range");
    }
    return (int) p;
  }

  private static int[] spatial(
      long[] v, int k, int def, String name, Function<String, LedgeException> error) {
    int[] r = new int[k];
    Arrays.fill(r, def);
    if (v == null) {
      return r;
    }
    if (v.length != k) {
      throw error.apply(name + " has " + v.length + " values, expected " + k);
    }
    for (int d = 0; d < k; d++) {
      if (v[d] < 1 || v[d] > Integer.MAX_VALUE / 4) {
        throw error.apply(name + " must be positive, got " + Arrays.toString(v));
      }
      r[d] = (int) v[d];
    }
    return r;
  }

  private static int[] toInts(long[] v) {
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v[i]));
    }
    return r;
  }

  /** The static output shape when X and W shapes are fully known; else null. */
  static Shape staticShape(Shape x, Shape w, Attributes a, Function<String, LedgeException> error) {
    int[] xs = x == null ? null : x.toIntsOrNull();
    int[] ws = w == null ? null : w.toIntsOrNull();
    return xs == null || ws == null ? null : Shape.of(of(xs, ws, a, error).outShape());
  }

  /** Number of filters M (output channels). */
  int filters() {
    return filters;
  }

  int[] outShape() {
    int[] s = new int[out.length + 2];
    s[0] = batch;
    s[1] = filters;
    System.arraycopy(out, 0, s, 2, out.length);
    return s;
  }

  /**
   * The int32 convolution of centered X (row-major [N, C, D...]) with centered W ([M, C/g, K...]),
   * row-major [N, M, O...]; {@code bias} (one per filter) may be null.
   */
  int[] convolve(int[] x, int[] w, int[] bias) {
    int k = in.length;
    int inVol = 1;
    int kVol = 1;
    int outVol = 1;
    for (int d = 0; d < k; d++) {
      inVol *= in[d];
      kVol *= kernel[d];
      outVol *= out[d];
    }
    int cg = channels / group;
    int mg = filters / group;
    int[] result = new int[batch * filters * outVol];
    int[] acc = new int[filters];
    int[] outPos = new int[k];
    int[] kPos = new int[k];
    for (int n = 0; n < batch; n++) {
      Arrays.fill(outPos, 0);
      for (int op = 0; op < outVol; op++) {
        if (bias != null) {
          System.arraycopy(bias, 0, acc, 0, filters);
        } else {
          Arrays.fill(acc, 0);
        }
        Arrays.fill(kPos, 0);
        for (int kp = 0; kp < kVol; kp++) {
          int offset = inputOffset(outPos, kPos);
          if (offset >= 0) {
            for (int g = 0; g < group; g++) {
              for (int c = 0; c < cg; c++) {
                int xv = x[(n * channels + g * cg + c) * inVol + offset];
                if (xv == 0) {
                  continue;
                }
                for (int f = g * mg; f < (g + 1) * mg; f++) {
                  acc[f] += xv * w[(f * cg + c) * kVol + kp];
                }
              }
            }
          }
          increment(kPos, kernel);
        }
        for (int f = 0; f < filters; f++) {
          result[(n * filters + f) * outVol + op] = acc[f];
        }
        increment(outPos, out);
      }
    }
    return result;
  }

  /**
   * Linear spatial offset in X of kernel position kPos at output position outPos; -1 in padding.
   */
  private int inputOffset(int[] outPos, int[] kPos) {
    int offset = 0;
    for (int d = 0; d < in.length; d++) {
      int i = outPos[d] * stride[d] - padBegin[d] + kPos[d] * dilation[d];
      if (i < 0 || i >= in[d]) {
        return -1;
      }
      offset = offset * in[d] + i;
    }
    return offset;
  }

  private static void increment(int[] pos, int[] dims) {
    for (int d = pos.length - 1; d >= 0; d--) {
      if (++pos[d] < dims[d]) {
        return;
      }
      pos[d] = 0;
    }
  }
}
