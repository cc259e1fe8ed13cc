package dev.ledge.ops.vision;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * RoiAlign (opsets 10, 16, 22): bilinear-sampled average or max pooling over regions of interest.
 *
 * <p>Opset 10 has no {@code coordinate_transformation_mode} and behaves as {@code
 * output_half_pixel}; from opset 16 the attribute defaults to {@code half_pixel}. Max mode follows
 * the ONNX reference (and ONNX Runtime): each sample contributes the largest of its four
 * <em>weighted</em> corner values, not the interpolated value.
 */
final class RoiAlignOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    long version = ctx.opsetVersion();
    if (version < 10) {
      throw ctx.error("RoiAlign exists from opset 10, the model imports " + version);
    }
    ctx.requireInputCount(3, 3);
    DType xType = ctx.requireInputType(0, FloatIo.FLOAT_TYPES);
    DType roiType = ctx.requireInputType(1, FloatIo.FLOAT_TYPES);
    if (xType != null && roiType != null && xType != roiType) {
      throw ctx.error("rois has type " + roiType + ", expected the type of X (" + xType + ")");
    }
    ctx.requireInputType(2, DType.INT64);
    boolean halfPixel;
    if (version < 16) {
      if (ctx.hasAttr("coordinate_transformation_mode")) {
        throw ctx.error("coordinate_transformation_mode is not an attribute of RoiAlign-10");
      }
      halfPixel = false;
    } else {
      String m = ctx.attrString("coordinate_transformation_mode", "half_pixel");
      halfPixel =
          switch (m) {
            case "half_pixel" -> true;
            case "output_half_pixel" -> false;
            default ->
                throw ctx.error(
                    "coordinate_transformation_mode '"
                        + m
                        + "' is not valid, expected half_pixel or output_half_pixel");
          };
    }
    String mode = ctx.attrString("mode", "avg");
    if (!mode.equals("avg") && !mode.equals("max")) {
      throw ctx.error("mode '" + mode + "' is not valid, expected avg or max");
    }
    boolean max = mode.equals("max");
    long oh = ctx.attrInt("output_height", 1);
    long ow = ctx.attrInt("output_width", 1);
    long sampling = ctx.attrInt("sampling_ratio", 0);
    float spatialScale = ctx.attrFloat("spatial_scale", 1.0f);
    if (oh <= 0 || ow <= 0 || oh > Integer.MAX_VALUE || ow > Integer.MAX_VALUE) {
      throw ctx.error("output_height/output_width are " + oh + "/" + ow + ", expected positive");
    }
    if (sampling < 0 || sampling > Integer.MAX_VALUE) {
      throw ctx.error("sampling_ratio is " + sampling + ", expected >= 0");
    }
    Shape xs = ctx.inputShape(0);
    Shape rs = ctx.inputShape(1);
    if (xs != null && xs.rank() != 4) {
      throw ctx.error("X has rank " + xs.rank() + ", expected 4 (N, C, H, W)");
    }
    if (rs != null && rs.rank() != 2) {
      throw ctx.error("rois has rank " + rs.rank() + ", expected 2 (num_rois, 4)");
    }
    Shape bs = ctx.inputShape(2);
    Dim rois = bs != null && bs.rank() == 1 ? bs.dim(0) : Dim.unknown();
    Dim channels = xs != null ? xs.dim(1) : Dim.unknown();
    ctx.setOutput(0, xType, new Shape(List.of(rois, channels, Dim.of(oh), Dim.of(ow))));
    int ph = (int) oh;
    int pw = (int) ow;
    int sr = (int) sampling;
    return exec -> run(exec, halfPixel, max, ph, pw, sr, spatialScale);
  }

  private static void run(
      ExecContext ctx,
      boolean halfPixel,
      boolean max,
      int pooledH,
      int pooledW,
      int samplingRatio,
      double spatialScale) {
    Tensor x = ctx.input(0);
    Tensor rois = ctx.input(1);
    Tensor batchIdx = ctx.input(2);
    int[] xs = x.shape();
    if (xs.length != 4) {
      throw ctx.error("X has shape " + Arrays.toString(xs) + ", expected rank 4");
    }
    int numRois = batchIdx.size();
    if (batchIdx.rank() != 1 || rois.rank() != 2 || rois.dim(1) != 4 || rois.dim(0) != numRois) {
      throw ctx.error(
          "rois has shape "
              + Arrays.toString(rois.shape())
              + " and batch_indices "
              + Arrays.toString(batchIdx.shape())
              + ", expected [num_rois, 4] and [num_rois]");
    }
    int n = xs[0];
    int channels = xs[1];
    int height = xs[2];
    int width = xs[3];
    long[] bi = batchIdx.toLongArray();
    for (int i = 0; i < numRois; i++) {
      if (bi[i] < 0 || bi[i] >= n) {
        throw ctx.error("batch_indices[" + i + "] is " + bi[i] + ", expected 0.." + (n - 1));
      }
    }
    if ((height == 0 || width == 0) && numRois > 0 && channels > 0) {
      throw ctx.error("X has an empty spatial dimension: " + Arrays.toString(xs));
    }
    Tensor y = ctx.output(0, x.dtype(), new int[] {numRois, channels, pooledH, pooledW});
    if (y.size() == 0) {
      return;
    }
    double[] xd = FloatIo.read(x);
    double[] rd = FloatIo.read(rois);
    double[] yd = new double[y.size()];
    int plane = height * width;
    double offset = halfPixel ? 0.5 : 0.0;
    for (int r = 0; r < numRois; r++) {
      double startW = rd[r * 4] * spatialScale - offset;
      double startH = rd[r * 4 + 1] * spatialScale - offset;
      double endW = rd[r * 4 + 2] * spatialScale - offset;
      double endH = rd[r * 4 + 3] * spatialScale - offset;
      double roiW = endW - startW;
      double roiH = endH - startH;
      if (!halfPixel) {
        // Legacy behaviour: malformed ROIs are forced to 1x1.
        roiW = Math.max(roiW, 1.0);
        roiH = Math.max(roiH, 1.0);
      }
      double binH = roiH / pooledH;
      double binW = roiW / pooledW;
      // A negative or NaN extent samples nothing (the bins are then 0, as in the reference).
      int gridH = samplingRatio > 0 ? samplingRatio : Math.max((int) Math.ceil(roiH / pooledH), 0);
      int gridW = samplingRatio > 0 ? samplingRatio : Math.max((int) Math.ceil(roiW / pooledW), 0);
      if ((long) gridH * gridW * pooledH * pooledW > 1L << 21) {
        throw ctx.error(
            "ROI " + r + " needs " + gridH + "x" + gridW + " samples per bin: too many");
      }
      int count = Math.max(gridH * gridW, 1);
      // Sample positions and weights are shared by all channels.
      int samples = gridH * gridW * pooledH * pooledW;
      int[] pos = new int[samples * 4];
      double[] wt = new double[samples * 4];
      int s = 0;
      for (int ph = 0; ph < pooledH; ph++) {
        for (int pw = 0; pw < pooledW; pw++) {
          for (int iy = 0; iy < gridH; iy++) {
            double yy = startH + ph * binH + (iy + 0.5) * binH / gridH;
            for (int ix = 0; ix < gridW; ix++) {
              double xx = startW + pw * binW + (ix + 0.5) * binW / gridW;
              bilinearTaps(yy, xx, height, width, pos, wt, s * 4);
              s++;
            }
          }
        }
      }
      int base = (int) bi[r] * channels;
      for (int c = 0; c < channels; c++) {
        int xOff = (base + c) * plane;
        int yOff = (r * channels + c) * pooledH * pooledW;
        s = 0;
        for (int p = 0; p < pooledH * pooledW; p++) {
          double out = 0;
          boolean first = true;
          for (int k = 0; k < gridH * gridW; k++, s++) {
            int q = s * 4;
            if (max) {
              double v =
                  Math.max(
                      Math.max(wt[q] * xd[xOff + pos[q]], wt[q + 1] * xd[xOff + pos[q + 1]]),
                      Math.max(
                          wt[q + 2] * xd[xOff + pos[q + 2]], wt[q + 3] * xd[xOff + pos[q + 3]]));
              out = first ? v : Math.max(out, v);
              first = false;
            } else {
              out +=
                  wt[q] * xd[xOff + pos[q]]
                      + wt[q + 1] * xd[xOff + pos[q + 1]]
                      + wt[q + 2] * xd[xOff + pos[q + 2]]
                      + wt[q + 3] * xd[xOff + pos[q + 3]];
            }
          }
          yd[yOff + p] = max ? out : out / count;
        }
      }
    }
    FloatIo.write(yd, y);
  }

  /** The four bilinear taps of (y, x); samples outside [-1, size] get zero weights. */
  private static void bilinearTaps(
      double y, double x, int height, int width, int[] pos, double[] wt, int at) {
    if (y < -1.0 || y > height || x < -1.0 || x > width) {
      Arrays.fill(pos, at, at + 4, 0);
      Arrays.fill(wt, at, at + 4, 0);
      return;
    }
    y = Math.max(y, 0);
    x = Math.max(x, 0);
    int yLow = (int) y;
    int xLow = (int) x;
    int yHigh;
    int xHigh;
    if (yLow >= height - 1) {
      yHigh = yLow = height - 1;
      y = yLow;
    } else {
      yHigh = yLow + 1;
    }
    if (xLow >= width - 1) {
      xHigh = xLow = width - 1;
      x = xLow;
    } else {
      xHigh = xLow + 1;
    }
    double ly = y - yLow;
    double lx = x - xLow;
    double hy = 1 - ly;
    double hx = 1 - lx;
    pos[at] = yLow * width + xLow;
    pos[at + 1] = yLow * width + xHigh;
    pos[at + 2] = yHigh * width + xLow;
    pos[at + 3] = yHigh * width + xHigh;
    wt[at] = hy * hx;
    wt[at + 1] = hy * lx;
    wt[at + 2] = ly * hx;
    wt[at + 3] = ly * lx;
  }
}
