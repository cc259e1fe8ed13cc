package dev.ledge.ops.tensor;

/**
 * The resampling plan of one axis of Resize: for each output index, where it maps in the input (the
 * coordinate transformation), and either the nearest input index or a window of input indices with
 * interpolation weights. The rules are those of the ONNX Resize operator and its reference
 * implementation: windows are chosen as the n nearest indices (preferring lower ones) in the input
 * padded by its edge values, so indices outside the axis read the border element, and {@code
 * exclude_outside} drops them and renormalizes the weights.
 */
final class ResizeAxis {
  /** Coordinate transformation modes. */
  enum Coordinates {
    HALF_PIXEL,
    HALF_PIXEL_SYMMETRIC,
    PYTORCH_HALF_PIXEL,
    ALIGN_CORNERS,
    ASYMMETRIC,
    TF_HALF_PIXEL_FOR_NN,
    TF_CROP_AND_RESIZE
  }

  /** Rounding of nearest mode. */
  enum Nearest {
    ROUND_PREFER_FLOOR,
    ROUND_PREFER_CEIL,
    FLOOR,
    CEIL
  }

  /** Interpolation of linear and cubic modes. */
  enum Filter {
    LINEAR,
    CUBIC
  }

  final int inLen;
  final int outLen;

  /** Per output index: true if it lies outside the crop box (tf_crop_and_resize). */
  final boolean[] extrapolate;

  /** Nearest mode: the input index of each output index. */
  int[] nearest;

  /** Interpolating modes: first input index of each window (may be outside [0, inLen)). */
  int[] windowStart;

  /** Interpolating modes: the weights of each window. */
  double[][] weights;

  private final double[] coords;

  /**
   * @param scale the axis scale factor (output/input for sizes)
   * @param roiStart crop box start (tf_crop_and_resize only)
   * @param roiEnd crop box end (tf_crop_and_resize only)
   */
  ResizeAxis(
      int inLen, int outLen, double scale, Coordinates mode, double roiStart, double roiEnd) {
    this.inLen = inLen;
    this.outLen = outLen;
    this.extrapolate = new boolean[outLen];
    this.coords = new double[outLen];
    // Like the reference, the "resized length" in the formulas is scale * inLen, not outLen.
    double width = scale * inLen;
    for (int x = 0; x < outLen; x++) {
      double c =
          switch (mode) {
            case HALF_PIXEL -> (x + 0.5) / scale - 0.5;
            case HALF_PIXEL_SYMMETRIC -> {
              double adjustment = outLen / width;
              double center = inLen / 2.0;
              double offset = center * (1 - adjustment);
              yield offset + (x + 0.5) / scale - 0.5;
            }
            case PYTORCH_HALF_PIXEL -> width > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case ALIGN_CORNERS -> width == 1 ? 0 : x * (inLen - 1) / (width - 1);
            case ASYMMETRIC -> x / scale;
            case TF_HALF_PIXEL_FOR_NN -> (x + 0.5) / scale;
            case TF_CROP_AND_RESIZE -> {
              double v =
                  width == 1
                      ? (roiEnd - roiStart) * (inLen - 1) / 2
                      : x * (roiEnd - roiStart) * (inLen - 1) / (width - 1);
              v += roiStart * (inLen - 1);
              extrapolate[x] = v < 0 || v > inLen - 1;
              yield v;
            }
          };
      coords[x] = c;
    }
  }

  /** Plans nearest-neighbour sampling. */
  void planNearest(Nearest rounding) {
    nearest = new int[outLen];
    for (int x = 0; x < outLen; x++) {
      double c = coords[x];
      double f = Math.floor(c);
      double ratio = c - f;
      double pick;
      if (ratio == 0) {
        pick = c;
      } else {
        boolean up =
            switch (rounding) {
              case ROUND_PREFER_FLOOR -> ratio > 0.5;
              case ROUND_PREFER_CEIL -> ratio >= 0.5;
              case FLOOR -> false;
              case CEIL -> true;
            };
        pick = up ? f + 1 : f;
      }
      nearest[x] = (int) Math.max(0, Math.min(inLen - 1, pick));
    }
  }

  /** Plans nearest sampling by flooring (Upsample and Resize-10): true if every pick is exact. */
  boolean planFloor() {
    nearest = new int[outLen];
    boolean exact = true;
    for (int x = 0; x < outLen; x++) {
      double f = Math.floor(coords[x]);
      exact &= f == coords[x];
      nearest[x] = (int) Math.max(0, Math.min(inLen - 1, f));
    }
    return exact;
  }

  /** Plans linear or cubic interpolation. */
  void planInterpolation(
      Filter filter, double scale, boolean antialias, double cubicA, boolean excludeOutside) {
    windowStart = new int[outLen];
    weights = new double[outLen][];
    for (int x = 0; x < outLen; x++) {
      double c = coords[x];
      double f = Math.floor(c);
      double ratio = c - f;
      if (ratio == 0) {
        // An exact hit counts as ratio 1 from the index below, so the window prefers lower indices.
        ratio = 1;
        f -= 1;
      }
      double[] w = coefficients(filter, ratio, scale, antialias, cubicA);
      int half = w.length / 2;
      // The window of the n = 2 * half nearest indices of the edge-padded axis, kept inside it.
      long start = (long) f + 1;
      start = Math.max(0, Math.min(inLen, start)) - half;
      if (excludeOutside) {
        double sum = 0;
        for (int j = 0; j < w.length; j++) {
          long i = start + j;
          if (i < 0 || i >= inLen) {
            w[j] = 0;
          }
          sum += w[j];
        }
        for (int j = 0; j < w.length; j++) {
          w[j] /= sum;
        }
      }
      windowStart[x] = (int) start;
      weights[x] = w;
    }
  }

  private static double[] coefficients(
      Filter filter, double ratio, double scale, boolean antialias, double a) {
    if (!antialias) {
      if (filter == Filter.LINEAR) {
        return new double[] {1 - ratio, ratio};
      }
      double r1 = ratio + 1;
      double q = 1 - ratio;
      double q1 = q + 1;
      return new double[] {
        ((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
        ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
        ((a + 2) * q - (a + 3)) * q * q + 1,
        ((a * q1 - 5 * a) * q1 + 8 * a) * q1 - 4 * a
      };
    }
    // Antialiasing stretches the filter by 1/scale when downsampling.
    double s = Math.min(scale, 1.0);
    int start = (int) Math.floor((filter == Filter.LINEAR ? -1 : -2) / s) + 1;
    int n = 2 - 2 * start;
    double[] w = new double[n];
    double sum = 0;
    for (int j = 0; j < n; j++) {
      double t = Math.abs((start + j - ratio) * s);
      if (filter == Filter.LINEAR) {
        w[j] = Math.max(0, Math.min(1, 1 - t));
      } else if (t <= 1) {
        w[j] = ((a + 2) * t - (a + 3)) * t * t + 1;
      } else if (t < 2) {
        w[j] = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
      } else {
        w[j] = 0;
      }
      sum += w[j];
    }
    for (int j = 0; j < n; j++) {
      w[j] /= sum;
    }
    return w;
  }

  /** True if this axis maps every output index to the same input index with weight 1. */
  boolean isIdentity() {
    if (outLen != inLen) {
      return false;
    }
    for (int x = 0; x < outLen; x++) {
      if (extrapolate[x]) {
        return false;
      }
      if (nearest != null) {
        if (nearest[x] != x) {
          return false;
        }
        continue;
      }
      double[] w = weights[x];
      for (int j = 0; j < w.length; j++) {
        long i = windowStart[x] + j;
        boolean self = i == x;
        if (self ? w[j] != 1 : w[j] != 0) {
          return false;
        }
      }
    }
    return true;
  }
}
