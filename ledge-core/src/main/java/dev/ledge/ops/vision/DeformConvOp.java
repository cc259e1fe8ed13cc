package dev.ledge.ops.vision;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * DeformConv (opsets 19, 22), 2-D: a convolution whose kernel taps are shifted by learned offsets
 * (per offset group, tap and output position) and optionally scaled by a mask. A shifted tap reads
 * X by bilinear interpolation with zero padding, as the ONNX reference does through GridSample with
 * align_corners=1.
 */
final class DeformConvOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 19) {
      throw ctx.error("DeformConv exists from opset 19, the model imports " + ctx.opsetVersion());
    }
    ctx.requireInputCount(3, 5);
    DType t = ctx.requireInputType(0, FloatIo.FLOAT_TYPES);
    for (int i = 1; i < 5; i++) {
      if (i < 3 || ctx.hasInput(i)) {
        DType ti = ctx.requireInputType(i, FloatIo.FLOAT_TYPES);
        if (t != null && ti != null && ti != t) {
          throw ctx.error(
              "input " + i + " has type " + ti + ", expected the type of X (" + t + ")");
        }
      }
    }
    Shape xs = ctx.inputShape(0);
    if (xs != null && xs.rank() != 4) {
      throw ctx.unsupported("DeformConv with " + (xs.rank() - 2) + " spatial dims (only 2-D)");
    }
    long group = ctx.attrInt("group", 1);
    long offsetGroup = ctx.attrInt("offset_group", 1);
    if (group <= 0
        || offsetGroup <= 0
        || group > Integer.MAX_VALUE
        || offsetGroup > Integer.MAX_VALUE) {
      throw ctx.error("group and offset_group must be positive, got " + group + ", " + offsetGroup);
    }
    long[] kernelShape = ctx.attrInts("kernel_shape", null);
    long[] dil = ints2(ctx, "dilations", new long[] {1, 1}, 2, 1);
    long[] str = ints2(ctx, "strides", new long[] {1, 1}, 2, 1);
    long[] pads = ints2(ctx, "pads", new long[] {0, 0, 0, 0}, 4, 0);
    if (kernelShape != null && kernelShape.length != 2) {
      throw ctx.error("kernel_shape has " + kernelShape.length + " values, expected 2");
    }
    Shape ws = ctx.inputShape(1);
    Shape os = ctx.inputShape(2);
    Shape outShape = null;
    if (xs != null && ws != null && os != null && os.rank() == 4) {
      outShape = new Shape(java.util.List.of(xs.dim(0), ws.dim(0), os.dim(2), os.dim(3)));
    }
    ctx.setOutput(0, t, outShape);
    int g = (int) group;
    int og = (int) offsetGroup;
    int[] d = {(int) dil[0], (int) dil[1]};
    int[] s = {(int) str[0], (int) str[1]};
    int[] p = {(int) pads[0], (int) pads[1], (int) pads[2], (int) pads[3]};
    return exec -> run(exec, g, og, kernelShape, d, s, p);
  }

  private static long[] ints2(OpContext ctx, String name, long[] def, int len, long min) {
    long[] v = ctx.attrInts(name, def);
    if (v.length != len) {
      throw ctx.error(name + " has " + v.length + " values, expected " + len);
    }
    for (long x : v) {
      if (x < min || x > 1 << 20) {
        throw ctx.error(name + " " + Arrays.toString(v) + " has a value out of range");
      }
    }
    return v;
  }

  private static void run(
      ExecContext ctx,
      int group,
      int offsetGroup,
      long[] kernelShape,
      int[] dil,
      int[] str,
      int[] pads) {
    Tensor x = ctx.input(0);
    Tensor w = ctx.input(1);
    Tensor off = ctx.input(2);
    Tensor bias = ctx.input(3);
    Tensor mask = ctx.input(4);
    int[] xs = x.shape();
    int[] ws = w.shape();
    int[] os = off.shape();
    if (xs.length != 4 || ws.length != 4 || os.length != 4) {
      throw ctx.error(
          "X, W and offset must have rank 4, got "
              + Arrays.toString(xs)
              + ", "
              + Arrays.toString(ws)
              + ", "
              + Arrays.toString(os));
    }
    int n = xs[0];
    int ic = xs[1];
    int ih = xs[2];
    int iw = xs[3];
    int oc = ws[0];
    int kh = ws[2];
    int kw = ws[3];
    if (kernelShape != null && (kernelShape[0] != kh || kernelShape[1] != kw)) {
      throw ctx.error(
          "kernel_shape "
              + Arrays.toString(kernelShape)
              + " does not match W "
              + Arrays.toString(ws));
    }
    if (ic != ws[1] * group || oc % group != 0) {
      throw ctx.error(
          "X has "
              + ic
              + " channels and W shape "
              + Arrays.toString(ws)
              + ": expected C = W.shape[1] * group ("
              + group
              + ") and M divisible by group");
    }
    if (ic % offsetGroup != 0) {
      throw ctx.error(ic + " input channels are not divisible by offset_group " + offsetGroup);
    }
    long ohL = (ih + (long) pads[0] + pads[2] - ((long) (kh - 1) * dil[0] + 1)) / str[0] + 1;
    long owL = (iw + (long) pads[1] + pads[3] - ((long) (kw - 1) * dil[1] + 1)) / str[1] + 1;
    int taps = kh * kw;
    if (os[0] != n || os[1] != offsetGroup * taps * 2 || os[2] != ohL || os[3] != owL) {
      throw ctx.error(
          "offset has shape "
              + Arrays.toString(os)
              + ", expected ["
              + n
              + ", "
              + offsetGroup * taps * 2
              + ", "
              + ohL
              + ", "
              + owL
              + "]");
    }
    int oh = (int) ohL;
    int ow = (int) owL;
    if (bias != null && (bias.rank() != 1 || bias.size() != oc)) {
      throw ctx.error("B has shape " + Arrays.toString(bias.shape()) + ", expected [" + oc + "]");
    }
    if (mask != null && !mask.hasShape(n, offsetGroup * taps, oh, ow)) {
      throw ctx.error(
          "mask has shape "
              + Arrays.toString(mask.shape())
              + ", expected ["
              + n
              + ", "
              + offsetGroup * taps
              + ", "
              + oh
              + ", "
              + ow
              + "]");
    }
    Tensor y = ctx.output(0, x.dtype(), new int[] {n, oc, oh, ow});
    if (y.size() == 0) {
      return;
    }
    double[] xd = FloatIo.read(x);
    double[] wd = FloatIo.read(w);
    double[] od = FloatIo.read(off);
    double[] bd = bias != null ? FloatIo.read(bias) : null;
    double[] md = mask != null ? FloatIo.read(mask) : null;
    double[] yd = new double[y.size()];
    int icPerGroup = ws[1];
    int ocPerGroup = oc / group;
    int icPerOffsetGroup = ic / offsetGroup;
    int outPlane = oh * ow;
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < oc; o++) {
        int g = o / ocPerGroup;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double acc = bd != null ? bd[o] : 0;
            for (int cl = 0; cl < icPerGroup; cl++) {
              int c = g * icPerGroup + cl;
              int ogIdx = c / icPerOffsetGroup;
              int xBase = (b * ic + c) * ih * iw;
              for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                  int tap = ki * kw + kj;
                  int offCh = (ogIdx * taps + tap) * 2;
                  double dh = od[((b * os[1] + offCh) * oh + i) * ow + j];
                  double dw = od[((b * os[1] + offCh + 1) * oh + i) * ow + j];
                  double h = -pads[0] + (double) str[0] * i + (double) ki * dil[0] + dh;
                  double wv = -pads[1] + (double) str[1] * j + (double) kj * dil[1] + dw;
                  double v = bilinearZeroPadded(xd, xBase, ih, iw, h, wv);
                  double m =
                      md != null
                          ? md[
                              ((b * offsetGroup * taps) + ogIdx * taps + tap) * outPlane
                                  + i * ow
                                  + j]
                          : 1;
                  acc += wd[((o * icPerGroup + cl) * kh + ki) * kw + kj] * m * v;
                }
              }
            }
            yd[((b * oc + o) * oh + i) * ow + j] = acc;
          }
        }
      }
    }
    FloatIo.write(yd, y);
  }

  /** Bilinear sample of one plane at (h, w); taps outside the plane read 0. */
  private static double bilinearZeroPadded(
      double[] x, int base, int ih, int iw, double h, double w) {
    if (!(h > -1 && h < ih && w > -1 && w < iw)) {
      return 0; // also NaN: every tap is outside
    }
    int h0 = (int) Math.floor(h);
    int w0 = (int) Math.floor(w);
    double lh = h - h0;
    double lw = w - w0;
    double v = 0;
    for (int a = 0; a < 2; a++) {
      int hh = h0 + a;
      if (hh < 0 || hh >= ih) {
        continue;
      }
      double wa = a == 0 ? 1 - lh : lh;
      for (int c = 0; c < 2; c++) {
        int ww = w0 + c;
        if (ww < 0 || ww >= iw) {
          continue;
        }
        double wc = c == 0 ? 1 - lw : lw;
        v += wa * wc * x[base + hh * iw + ww];
      }
    }
    return v;
  }
}
