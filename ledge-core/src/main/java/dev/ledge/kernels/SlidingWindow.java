package dev.ledge.kernels;

import java.util.Arrays;

/**
 * The geometry of a window sliding over one to three spatial dimensions, as used by convolution and
 * pooling: input and output sizes, kernel size, strides, dilations and the padding before and after
 * each dimension. Always stored as three dimensions (depth, height, width); fewer spatial
 * dimensions are padded in front with size-1 dimensions (kernel 1, stride 1, no padding), which
 * changes neither the results nor the row-major layout.
 *
 * <p>Output position {@code o} of a dimension reads input positions {@code o * stride - padBegin +
 * k * dilation} for {@code k} in {@code [0, kernel)}; positions outside {@code [0, in)} are
 * padding.
 */
public final class SlidingWindow {
  /** The most spatial dimensions a window has. */
  public static final int MAX_RANK = 3;

  /** Input size per dimension: depth, height, width. */
  public final int inD;

  public final int inH;
  public final int inW;

  /** Output size per dimension. */
  public final int outD;

  public final int outH;
  public final int outW;

  /** Kernel size per dimension. */
  public final int kD;

  public final int kH;
  public final int kW;

  /** Stride per dimension. */
  public final int sD;

  public final int sH;
  public final int sW;

  /** Dilation per dimension. */
  public final int dD;

  public final int dH;
  public final int dW;

  /** Padding before each dimension (may be negative for ConvTranspose output cropping). */
  public final int pD;

  public final int pH;
  public final int pW;

  /** Padding after each dimension. */
  public final int eD;

  public final int eH;
  public final int eW;

  /** Valid kernel ranges per dimension ({@link #validKernelRange}), computed once. */
  private final Ranges ranges;

  /** Padded kernel counts per dimension ({@link #paddedKernelCount}), computed once. */
  private final int[][] paddedCounts;

  /**
   * For each output position of each dimension, the kernel indices that fall inside the input (see
   * {@link #validKernelRange}).
   */
  record Ranges(int[] d, int[] h, int[] w) {}

  private SlidingWindow(int[] v) {
    inD = v[0];
    inH = v[1];
    inW = v[2];
    outD = v[3];
    outH = v[4];
    outW = v[5];
    kD = v[6];
    kH = v[7];
    kW = v[8];
    sD = v[9];
    sH = v[10];
    sW = v[11];
    dD = v[12];
    dH = v[13];
    dW = v[14];
    pD = v[15];
    pH = v[16];
    pW = v[17];
    eD = v[18];
    eH = v[19];
    eW = v[20];
    // Small (two ints per output position of each dimension); kept so kernels do not recompute.
    ranges =
        new Ranges(
            validKernelRange(outD, inD, kD, sD, dD, pD),
            validKernelRange(outH, inH, kH, sH, dH, pH),
            validKernelRange(outW, inW, kW, sW, dW, pW));
    paddedCounts =
        new int[][] {
          paddedKernelCount(outD, inD, kD, sD, dD, pD, eD),
          paddedKernelCount(outH, inH, kH, sH, dH, pH, eH),
          paddedKernelCount(outW, inW, kW, sW, dW, pW, eW)
        };
  }

  /** Valid kernel ranges per dimension (not to be modified). */
  Ranges ranges() {
    return ranges;
  }

  /** Kernel positions inside the padded input per output position and dimension (read only). */
  int[][] paddedCounts() {
    return paddedCounts;
  }

  /**
   * A window over {@code in.length} (1 to 3) spatial dimensions. Every array has one entry per
   * dimension. Sizes must be non-negative and kernel, stride and dilation positive; the caller (the
   * operator's prepare/execute) has validated them.
   */
  public static SlidingWindow of(
      int[] in,
      int[] out,
      int[] kernel,
      int[] strides,
      int[] dilations,
      int[] padsBegin,
      int[] padsEnd) {
    int r = in.length;
    if (r < 1 || r > MAX_RANK) {
      throw new IllegalArgumentException("1 to 3 spatial dimensions expected, got " + r);
    }
    int[][] parts = {in, out, kernel, strides, dilations, padsBegin, padsEnd};
    int[] fill = {1, 1, 1, 1, 1, 0, 0};
    int[] v = new int[parts.length * MAX_RANK];
    for (int p = 0; p < parts.length; p++) {
      if (parts[p].length != r) {
        throw new IllegalArgumentException(
            "expected " + r + " values, got " + Arrays.toString(parts[p]));
      }
      for (int d = 0; d < MAX_RANK; d++) {
        int src = d - (MAX_RANK - r);
        v[p * MAX_RANK + d] = src < 0 ? fill[p] : parts[p][src];
      }
    }
    return new SlidingWindow(v);
  }

  /** Elements in one input plane (one batch item and channel). */
  public int inSize() {
    return inD * inH * inW;
  }

  /** Elements in one output plane. */
  public int outSize() {
    return outD * outH * outW;
  }

  /** Elements in the kernel. */
  public int kernelSize() {
    return kD * kH * kW;
  }

  /**
   * For each output position of one dimension, the first kernel index whose input position is
   * inside {@code [0, in)}, and (at {@code [out + o]}) one past the last; empty ranges have lo ==
   * hi.
   */
  static int[] validKernelRange(int out, int in, int k, int s, int d, int pBegin) {
    int[] r = new int[2 * out];
    for (int o = 0; o < out; o++) {
      int start = o * s - pBegin;
      int lo = start >= 0 ? 0 : Math.ceilDiv(-start, d);
      int hi = Math.min(k, Math.ceilDiv(in - start, d));
      lo = Math.min(lo, k);
      r[o] = lo;
      r[out + o] = Math.max(lo, hi);
    }
    return r;
  }

  /**
   * For each output position of one dimension, how many kernel positions fall inside the padded
   * input {@code [-pBegin, in + pEnd)} (the AveragePool divisor with count_include_pad).
   */
  static int[] paddedKernelCount(int out, int in, int k, int s, int d, int pBegin, int pEnd) {
    int[] r = new int[out];
    for (int o = 0; o < out; o++) {
      int start = o * s - pBegin;
      int n = 0;
      for (int kk = 0; kk < k; kk++) {
        int pos = start + kk * d;
        if (pos >= -pBegin && pos < in + pEnd) {
          n++;
        }
      }
      r[o] = n;
    }
    return r;
  }

  @Override
  public String toString() {
    return "SlidingWindow[in="
        + inD
        + "x"
        + inH
        + "x"
        + inW
        + ", out="
        + outD
        + "x"
        + outH
        + "x"
        + outW
        + ", kernel="
        + kD
        + "x"
        + kH
        + "x"
        + kW
        + ", strides="
        + sD
        + ","
        + sH
        + ","
        + sW
        + ", dilations="
        + dD
        + ","
        + dH
        + ","
        + dW
        + ", pads="
        + pD
        + ","
        + pH
        + ","
        + pW
        + "/"
        + eD
        + ","
        + eH
        + ","
        + eW
        + "]";
  }
}
