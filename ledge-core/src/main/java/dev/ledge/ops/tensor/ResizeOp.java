package dev.ledge.ops.tensor;

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
 * Resize and Upsample: nearest, linear and cubic resampling of any subset of axes.
 *
 * <p>Resize (opset 11+) takes {@code roi}, {@code scales} or {@code sizes} inputs and the
 * attributes {@code coordinate_transformation_mode}, {@code nearest_mode}, {@code cubic_coeff_a},
 * {@code exclude_outside}, {@code extrapolation_value} and, from opset 18, {@code antialias},
 * {@code axes} and {@code keep_aspect_ratio_policy}; see {@link ResizeAxis} for the per-axis rules.
 * The output length of an axis is floor(length * scale), or the requested size.
 *
 * <p>Upsample (scales as attributes before opset 9, as an input from opset 9) and Resize-10 use
 * asymmetric coordinates. Their nearest mode is exact only where the source index is unambiguous
 * (integer scales, or every source coordinate integral); other nearest scales are unsupported.
 * Linear and cubic modes need float elements (ONNX does not say how interpolated integers round).
 */
final class ResizeOp implements Operator {
  private enum Mode {
    NEAREST,
    LINEAR,
    CUBIC
  }

  private final boolean upsample;

  ResizeOp(boolean upsample) {
    this.upsample = upsample;
  }

  /** Everything prepare learns from the node. */
  private record Config(
      boolean legacy,
      Mode mode,
      ResizeAxis.Coordinates coordinates,
      ResizeAxis.Nearest nearest,
      double cubicA,
      boolean excludeOutside,
      double extrapolation,
      boolean antialias,
      long[] axes,
      String keepAspect,
      double[] attrScales) {}

  @Override
  public Kernel prepare(OpContext ctx) {
    long v = ctx.opsetVersion();
    boolean legacy = upsample || v < 11;
    DType dtype = ctx.inputDType(0);
    Config cfg = legacy ? legacyConfig(ctx, v) : config(ctx, v);
    if (cfg.mode != Mode.NEAREST && dtype != null && !isFloat(dtype)) {
      throw ctx.unsupported(
          cfg.mode.name().toLowerCase()
              + " resizing of "
              + dtype
              + " (ONNX does not define the rounding)");
    }
    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null) {
      out = Shape.unknownDims(in.rank());
      int[] dims = Args.dims(in);
      Sizes sizes = dims == null ? null : constantSizes(ctx, cfg, dims);
      if (sizes != null) {
        out = Shape.of(sizes.out);
        if (legacy && cfg.mode == Mode.NEAREST) {
          for (int d = 0; d < dims.length; d++) {
            ResizeAxis axis =
                new ResizeAxis(dims[d], sizes.out[d], sizes.scale[d], cfg.coordinates, 0, 1);
            if (!axis.planFloor() && !isIntegral(sizes.scale[d])) {
              throw ctx.unsupported(
                  "nearest "
                      + (upsample ? "Upsample" : "Resize-10")
                      + " with the non-integer scale "
                      + sizes.scale[d]);
            }
          }
        }
      } else if (dims == null) {
        List<Dim> list = new ArrayList<>();
        for (int d = 0; d < in.rank(); d++) {
          list.add(Dim.unknown());
        }
        out = new Shape(list);
      }
    }
    ctx.setOutput(0, dtype, out);
    return exec -> run(exec, cfg);
  }

  private static boolean isFloat(DType t) {
    return t == DType.FLOAT32 || t == DType.FLOAT64 || t == DType.FLOAT16 || t == DType.BFLOAT16;
  }

  private static boolean isIntegral(double s) {
    return s >= 1 && s == Math.rint(s);
  }

  private Config legacyConfig(OpContext ctx, long v) {
    String modeName = ctx.attrString("mode", "nearest");
    Mode mode =
        switch (modeName) {
          case "nearest" -> Mode.NEAREST;
          case "linear", "bilinear" -> Mode.LINEAR;
          default ->
              throw ctx.error(
                  "attribute 'mode' is \"" + modeName + "\", expected nearest or linear");
        };
    double[] attrScales = null;
    if (upsample && v < 7) {
      ctx.requireInputCount(1, 1);
      float h = ctx.attrFloat("height_scale", Float.NaN);
      float w = ctx.attrFloat("width_scale", Float.NaN);
      if (Float.isNaN(h) || Float.isNaN(w)) {
        throw ctx.error("attributes 'height_scale' and 'width_scale' are required");
      }
      attrScales = new double[] {1, 1, h, w};
    } else if (upsample && v < 9) {
      ctx.requireInputCount(1, 1);
      float[] s = ctx.attrFloats("scales", null);
      if (s == null) {
        throw ctx.error("missing required attribute 'scales'");
      }
      attrScales = new double[s.length];
      for (int i = 0; i < s.length; i++) {
        attrScales[i] = s[i];
      }
    } else {
      Args.rejectMovedAttr(ctx, "scales", 9);
      ctx.requireInputCount(2, 2);
      ctx.requireInputType(1, DType.FLOAT32);
    }
    return new Config(
        true,
        mode,
        ResizeAxis.Coordinates.ASYMMETRIC,
        null,
        -0.75,
        false,
        0,
        false,
        null,
        "stretch",
        attrScales);
  }

  private static Config config(OpContext ctx, long v) {
    ctx.requireInputCount(1, 4);
    String modeName = ctx.attrString("mode", "nearest");
    Mode mode =
        switch (modeName) {
          case "nearest" -> Mode.NEAREST;
          case "linear" -> Mode.LINEAR;
          case "cubic" -> Mode.CUBIC;
          default ->
              throw ctx.error(
                  "attribute 'mode' is \"" + modeName + "\", expected nearest, linear or cubic");
        };
    String ct = ctx.attrString("coordinate_transformation_mode", "half_pixel");
    ResizeAxis.Coordinates coordinates =
        switch (ct) {
          case "half_pixel" -> ResizeAxis.Coordinates.HALF_PIXEL;
          case "half_pixel_symmetric" -> {
            if (v < 19) {
              throw ctx.error("coordinate_transformation_mode half_pixel_symmetric needs opset 19");
            }
            yield ResizeAxis.Coordinates.HALF_PIXEL_SYMMETRIC;
          }
          case "pytorch_half_pixel" -> ResizeAxis.Coordinates.PYTORCH_HALF_PIXEL;
          case "align_corners" -> ResizeAxis.Coordinates.ALIGN_CORNERS;
          case "asymmetric" -> ResizeAxis.Coordinates.ASYMMETRIC;
          case "tf_half_pixel_for_nn" -> {
            if (v >= 13) {
              throw ctx.error(
                  "coordinate_transformation_mode tf_half_pixel_for_nn was removed in opset 13");
            }
            yield ResizeAxis.Coordinates.TF_HALF_PIXEL_FOR_NN;
          }
          case "tf_crop_and_resize" -> ResizeAxis.Coordinates.TF_CROP_AND_RESIZE;
          default -> throw ctx.error("unknown coordinate_transformation_mode \"" + ct + "\"");
        };
    String nm = ctx.attrString("nearest_mode", "round_prefer_floor");
    ResizeAxis.Nearest nearest =
        switch (nm) {
          case "round_prefer_floor" -> ResizeAxis.Nearest.ROUND_PREFER_FLOOR;
          case "round_prefer_ceil" -> ResizeAxis.Nearest.ROUND_PREFER_CEIL;
          case "floor" -> ResizeAxis.Nearest.FLOOR;
          case "ceil" -> ResizeAxis.Nearest.CEIL;
          default -> throw ctx.error("unknown nearest_mode \"" + nm + "\"");
        };
    boolean antialias = v >= 18 && ctx.attrInt("antialias", 0) != 0;
    long[] axes = v >= 18 ? ctx.attrInts("axes", null) : null;
    String keep = v >= 18 ? ctx.attrString("keep_aspect_ratio_policy", "stretch") : "stretch";
    if (!keep.equals("stretch") && !keep.equals("not_larger") && !keep.equals("not_smaller")) {
      throw ctx.error("unknown keep_aspect_ratio_policy \"" + keep + "\"");
    }
    if (coordinates == ResizeAxis.Coordinates.TF_CROP_AND_RESIZE && !ctx.hasInput(1)) {
      throw ctx.error("coordinate_transformation_mode tf_crop_and_resize needs the 'roi' input");
    }
    return new Config(
        false,
        mode,
        coordinates,
        nearest,
        ctx.attrFloat("cubic_coeff_a", -0.75f),
        ctx.attrInt("exclude_outside", 0) != 0,
        ctx.attrFloat("extrapolation_value", 0f),
        antialias,
        axes,
        keep,
        null);
  }

  /** Output lengths and scale factors of every dim. */
  private record Sizes(int[] out, double[] scale) {}

  private Sizes constantSizes(OpContext ctx, Config cfg, int[] dims) {
    if (cfg.attrScales != null) {
      return sizes(cfg, dims, cfg.attrScales, null, ctx::error);
    }
    int scalesAt = cfg.legacy ? 1 : 2;
    Tensor scales = ctx.constantInput(scalesAt);
    Tensor sizes = cfg.legacy ? null : ctx.constantInput(3);
    boolean hasScales = ctx.hasInput(scalesAt);
    boolean hasSizes = !cfg.legacy && ctx.hasInput(3);
    if ((hasScales && scales == null) || (hasSizes && sizes == null)) {
      return null;
    }
    return sizes(
        cfg,
        dims,
        floats(scales),
        sizes == null ? null : Args.vector(sizes, "input 'sizes'", ctx::error),
        ctx::error);
  }

  private static double[] floats(Tensor t) {
    if (t == null || t.size() == 0) {
      return null;
    }
    double[] r = new double[t.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = t.getDouble(i);
    }
    return r;
  }

  /** Output lengths and scales from scales or sizes (given for {@code axes} or every dim). */
  private static Sizes sizes(Config cfg, int[] in, double[] scales, long[] sizes, Args.Errors err) {
    int r = in.length;
    if (sizes != null && sizes.length == 0) {
      sizes = null;
    }
    if ((scales == null) == (sizes == null)) {
      throw err.error("exactly one of 'scales' and 'sizes' must be given (and non-empty)");
    }
    int[] axes;
    if (cfg.axes == null) {
      axes = new int[r];
      for (int i = 0; i < r; i++) {
        axes[i] = i;
      }
    } else {
      axes = Args.axes(cfg.axes, r, "attribute 'axes'", err);
    }
    int given = scales != null ? scales.length : sizes.length;
    if (given != axes.length) {
      throw err.error(
          (scales != null ? "'scales'" : "'sizes'")
              + " has "
              + given
              + " entries, expected "
              + axes.length);
    }
    int[] out = in.clone();
    double[] scale = new double[r];
    Arrays.fill(scale, 1.0);
    if (scales != null) {
      for (int i = 0; i < axes.length; i++) {
        double s = scales[i];
        if (!(s > 0) || Double.isInfinite(s)) {
          throw err.error("scale " + s + " of axis " + axes[i] + " must be positive");
        }
        scale[axes[i]] = s;
        out[axes[i]] =
            Args.dim((long) Math.floor(s * in[axes[i]]), "output length of axis " + axes[i], err);
      }
    } else {
      for (int i = 0; i < axes.length; i++) {
        int a = axes[i];
        if (in[a] == 0) {
          throw err.error("cannot resize the empty axis " + a);
        }
        out[a] = Args.dim(sizes[i], "size of axis " + a, err);
        scale[a] = (double) out[a] / in[a];
      }
      if (!cfg.keepAspect.equals("stretch")) {
        double s = scale[axes[0]];
        for (int a : axes) {
          s = cfg.keepAspect.equals("not_larger") ? Math.min(s, scale[a]) : Math.max(s, scale[a]);
        }
        for (int a : axes) {
          scale[a] = s;
          out[a] = Args.dim((long) (s * in[a] + 0.5), "output length of axis " + a, err);
        }
      }
    }
    Args.size(out, err);
    return new Sizes(out, scale);
  }

  private void run(ExecContext exec, Config cfg) {
    Tensor x = exec.input(0);
    int[] in = x.shape();
    int r = in.length;
    Sizes sz;
    if (cfg.attrScales != null) {
      if (cfg.attrScales.length != r) {
        throw exec.error("'scales' has " + cfg.attrScales.length + " entries for rank " + r);
      }
      sz = sizes(cfg, in, cfg.attrScales, null, exec::error);
    } else if (cfg.legacy) {
      sz = sizes(cfg, in, floats(exec.input(1)), null, exec::error);
    } else {
      Tensor sizes = exec.input(3);
      sz =
          sizes(
              cfg,
              in,
              floats(exec.input(2)),
              sizes == null ? null : Args.vector(sizes, "input 'sizes'", exec::error),
              exec::error);
    }
    double[] roi = roi(exec, cfg, r);
    ResizeAxis[] plans = new ResizeAxis[r];
    boolean identity = true;
    for (int d = 0; d < r; d++) {
      ResizeAxis p =
          new ResizeAxis(in[d], sz.out[d], sz.scale[d], cfg.coordinates, roi[d], roi[d + r]);
      if (cfg.mode == Mode.NEAREST) {
        if (cfg.legacy) {
          if (!p.planFloor() && !isIntegral(sz.scale[d])) {
            throw exec.error(
                "nearest resizing with the non-integer scale "
                    + sz.scale[d]
                    + " is not implemented");
          }
        } else {
          p.planNearest(cfg.nearest);
        }
      } else {
        if (in[d] == 0 && sz.out[d] > 0) {
          throw exec.error("cannot interpolate the empty axis " + d);
        }
        p.planInterpolation(
            cfg.mode == Mode.LINEAR ? ResizeAxis.Filter.LINEAR : ResizeAxis.Filter.CUBIC,
            sz.scale[d],
            cfg.antialias,
            cfg.cubicA,
            cfg.excludeOutside);
      }
      plans[d] = p;
      identity &= p.isIdentity();
    }
    if (identity) {
      exec.setOutput(0, x);
      return;
    }
    if (cfg.mode == Mode.NEAREST) {
      nearest(exec, x, plans, sz.out, cfg.extrapolation);
    } else {
      if (!isFloat(x.dtype())) {
        throw exec.error("interpolating resize of " + x.dtype() + " elements is not implemented");
      }
      interpolate(exec, x, plans, sz.out, cfg.extrapolation);
    }
  }

  /** The crop box per dim ([starts..., ends...]); [0..., 1...] unless tf_crop_and_resize. */
  private static double[] roi(ExecContext exec, Config cfg, int r) {
    double[] box = new double[2 * r];
    Arrays.fill(box, r, 2 * r, 1.0);
    if (cfg.coordinates != ResizeAxis.Coordinates.TF_CROP_AND_RESIZE) {
      return box;
    }
    double[] given = floats(exec.input(1));
    int[] axes;
    if (cfg.axes == null) {
      axes = new int[r];
      for (int i = 0; i < r; i++) {
        axes[i] = i;
      }
    } else {
      axes = Args.axes(cfg.axes, r, "attribute 'axes'", exec::error);
    }
    if (given == null || given.length != 2 * axes.length) {
      throw exec.error("'roi' must have " + 2 * axes.length + " entries [starts..., ends...]");
    }
    for (int i = 0; i < axes.length; i++) {
      box[axes[i]] = given[i];
      box[axes[i] + r] = given[i + axes.length];
    }
    return box;
  }

  private static void nearest(
      ExecContext exec, Tensor x, ResizeAxis[] plans, int[] out, double extrapolation) {
    int r = out.length;
    int[] st = dev.ledge.tensor.Shapes.strides(x.shape());
    int[][] tables = new int[r][];
    boolean anyOutside = false;
    for (int d = 0; d < r; d++) {
      tables[d] = new int[out[d]];
      for (int i = 0; i < out[d]; i++) {
        boolean outside = plans[d].extrapolate[i];
        anyOutside |= outside;
        tables[d][i] = outside ? OffsetCopy.OUTSIDE : plans[d].nearest[i] * st[d];
      }
    }
    Tensor fill = null;
    if (anyOutside) {
      fill = Tensor.allocate(x.dtype());
      new ElementCast(DType.FLOAT64, x.dtype(), true, "up")
          .run(Tensor.wrap(new double[] {extrapolation}), fill);
    }
    Tensor y = exec.output(0, x.dtype(), out);
    OffsetCopy.run(x, tables, out, y, fill);
  }

  /**
   * Separable interpolation in double precision, innermost axis first (the order of the nested
   * reference computation); axes that map onto themselves are skipped.
   */
  private static void interpolate(
      ExecContext exec, Tensor x, ResizeAxis[] plans, int[] out, double extrapolation) {
    int r = out.length;
    int[] cur = x.shape();
    double[] data = new double[x.size()];
    if (x.dtype() == DType.FLOAT32) {
      float[] f = x.floats();
      for (int i = 0; i < data.length; i++) {
        data[i] = f[x.offset() + i];
      }
    } else {
      for (int i = 0; i < data.length; i++) {
        data[i] = x.getDouble(i);
      }
    }
    for (int d = r - 1; d >= 0; d--) {
      ResizeAxis p = plans[d];
      if (p.isIdentity()) {
        continue;
      }
      int outer = 1;
      for (int k = 0; k < d; k++) {
        outer *= cur[k];
      }
      int inner = 1;
      for (int k = d + 1; k < r; k++) {
        inner *= cur[k];
      }
      int n = cur[d];
      int m = out[d];
      long size = (long) outer * m * inner;
      if (size > dev.ledge.tensor.Shapes.MAX_ELEMENTS) {
        throw exec.error(
            "resizing axis " + d + " needs an intermediate of " + size + " elements, too many");
      }
      double[] next = new double[(int) size];
      for (int o = 0; o < outer; o++) {
        int srcBase = o * n * inner;
        for (int i = 0; i < m; i++) {
          int dstBase = (o * m + i) * inner;
          if (p.extrapolate[i]) {
            Arrays.fill(next, dstBase, dstBase + inner, extrapolation);
            continue;
          }
          double[] w = p.weights[i];
          int start = p.windowStart[i];
          for (int j = 0; j < w.length; j++) {
            double wj = w[j];
            int src = srcBase + Math.max(0, Math.min(n - 1, start + j)) * inner;
            for (int q = 0; q < inner; q++) {
              next[dstBase + q] += wj * data[src + q];
            }
          }
        }
      }
      data = next;
      cur[d] = m;
    }
    Tensor y = exec.output(0, x.dtype(), out);
    switch (x.dtype()) {
      case FLOAT32 -> {
        float[] f = y.floats();
        for (int i = 0; i < data.length; i++) {
          f[y.offset() + i] = (float) data[i];
        }
      }
      case FLOAT64 -> System.arraycopy(data, 0, y.doubles(), y.offset(), data.length);
      default -> {
        for (int i = 0; i < data.length; i++) {
          y.setRawBits(i, ExactRounding.smallFromDouble(x.dtype(), data[i], true, "up"));
        }
      }
    }
  }
}
