package dev.ledge.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API max and average pooling for the common case: 1-D or 2-D, float32, no dilation, no
 * indices output. A window is separable: for each output row, a column pass combines the window's
 * valid input rows into a row buffer (a vector pass along whole input rows), then a row pass
 * combines each output's {@code kW} columns of that buffer. The row buffer holds the padding too,
 * as the identity of the combination (-infinity for max, 0 for sums), so the row pass has no edge
 * cases and runs L outputs at a time for strides 1 and 2.
 *
 * <p>Max pooling is bit-identical to {@link ReferencePool#maxPool}: {@code max} (as {@link
 * Math#max}: NaN wins, +0 beats -0) does not depend on the order of its operands. Average pooling
 * sums in float (the reference sums in double) and divides each sum by the same count as the
 * reference.
 */
public final class VectorPool {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /**
   * Lane i takes lane 2i of the concatenation a|b in {@code a.rearrange(EVEN, b)}: the even lanes
   * of a, then those of b (a two-vector rearrange compiles to a permute; {@code selectFrom(a, b)}
   * did not in JDK 25 and boxed every vector).
   */
  private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);

  /**
   * Floats of row buffer filled by the column pass before the row pass reads them back: a band of
   * rows, so that the row pass does not load what the column pass has just stored (a
   * store-forwarding stall per load) and the band stays in the L1 cache.
   */
  private static final int BAND_FLOATS = 4096;

  private VectorPool() {}

  /** True if {@link #maxPool2d} and {@link #avgPool2d} handle this geometry. */
  public static boolean supports(SlidingWindow g) {
    return g.inD == 1
        && g.kD == 1
        && g.outD == 1
        && g.dH == 1
        && g.dW == 1
        && g.pH >= 0
        && g.pW >= 0;
  }

  /** Max pooling of {@code planes} consecutive planes; see {@link ReferencePool#maxPool}. */
  public static void maxPool2d(
      float[] x, int xOff, float[] y, int yOff, int planes, SlidingWindow g) {
    pool(x, xOff, y, yOff, planes, g, false, false);
  }

  /** Average pooling of {@code planes} consecutive planes; see {@link ReferencePool#avgPool}. */
  public static void avgPool2d(
      float[] x,
      int xOff,
      float[] y,
      int yOff,
      int planes,
      SlidingWindow g,
      boolean countIncludePad) {
    pool(x, xOff, y, yOff, planes, g, true, countIncludePad);
  }

  /** Sums (then divides) if {@code sum}, else takes the max. */
  private static void pool(
      float[] x,
      int xOff,
      float[] y,
      int yOff,
      int planes,
      SlidingWindow g,
      boolean sum,
      boolean countIncludePad) {
    int[] rh = g.ranges().h();
    float identity = sum ? 0f : Float.NEGATIVE_INFINITY;
    // Row buffer position i holds input column i - pW. The row pass reads whole vectors, up to
    // sW * (outW rounded up to L) + kW; the column pass writes only [pW, pW + inW).
    int rowLength = Math.max(g.pW + g.inW, g.sW * roundUp(g.outW) + g.kW + L);
    int band = Math.clamp(BAND_FLOATS / rowLength, 1, g.outH);
    float[] rows = Scratch.floats(Scratch.Slot.ROW, band * rowLength);
    for (int b = 0; b < band; b++) {
      Arrays.fill(rows, b * rowLength, b * rowLength + g.pW, identity);
      Arrays.fill(rows, b * rowLength + g.pW + g.inW, (b + 1) * rowLength, identity);
    }
    float[] columnCounts = sum ? columnCounts(g, countIncludePad) : null;
    int[] rowCounts = countIncludePad ? g.paddedCounts()[1] : null;
    int inSize = g.inH * g.inW;
    int outSize = g.outH * g.outW;
    for (int pl = 0; pl < planes; pl++) {
      int xb = xOff + pl * inSize;
      int yb = yOff + pl * outSize;
      for (int oh0 = 0; oh0 < g.outH; oh0 += band) {
        int oh1 = Math.min(g.outH, oh0 + band);
        for (int oh = oh0; oh < oh1; oh++) {
          int lo = rh[oh];
          int top = oh * g.sH - g.pH;
          int at = (oh - oh0) * rowLength + g.pW;
          columnPass(x, xb + (top + lo) * g.inW, rh[g.outH + oh] - lo, g.inW, rows, at, sum);
        }
        for (int oh = oh0; oh < oh1; oh++) {
          float rowCount = rowCounts != null ? rowCounts[oh] : rh[g.outH + oh] - rh[oh];
          int at = (oh - oh0) * rowLength;
          rowPass(rows, at, g, y, yb + oh * g.outW, sum, columnCounts, rowCount);
        }
      }
    }
  }

  /** {@code n} rounded up to a multiple of L. */
  private static int roundUp(int n) {
    return (n + L - 1) / L * L;
  }

  /**
   * Per output column, the window's column count of the average's divisor, in a scratch array of
   * whole vectors (the lanes past outW are 1).
   */
  private static float[] columnCounts(SlidingWindow g, boolean countIncludePad) {
    float[] counts = Scratch.floats(Scratch.Slot.SECOND, roundUp(g.outW));
    int[] rw = g.ranges().w();
    int[] padded = g.paddedCounts()[2];
    for (int ow = 0; ow < g.outW; ow++) {
      counts[ow] = countIncludePad ? padded[ow] : rw[g.outW + ow] - rw[ow];
    }
    Arrays.fill(counts, g.outW, roundUp(g.outW), 1f);
    return counts;
  }

  /**
   * {@code row[to + j]} = the max or sum over {@code rows} consecutive input rows of width {@code
   * w} starting at {@code at}, column {@code j}; the identity if {@code rows} is 0.
   */
  private static void columnPass(
      float[] x, int at, int rows, int w, float[] row, int to, boolean sum) {
    if (rows == 0) {
      Arrays.fill(row, to, to + w, sum ? 0f : Float.NEGATIVE_INFINITY);
      return;
    }
    int j = 0;
    for (; j <= w - L; j += L) {
      FloatVector acc = FloatVector.fromArray(S, x, at + j);
      for (int r = 1; r < rows; r++) {
        acc = combine(acc, FloatVector.fromArray(S, x, at + r * w + j), sum);
      }
      acc.intoArray(row, to + j);
    }
    if (j < w) {
      VectorMask<Float> m = S.indexInRange(j, w);
      FloatVector acc = FloatVector.fromArray(S, x, at + j, m);
      for (int r = 1; r < rows; r++) {
        acc = combine(acc, FloatVector.fromArray(S, x, at + r * w + j, m), sum);
      }
      acc.intoArray(row, to + j, m);
    }
  }

  /**
   * One output row from the row buffer: {@code y[yr + ow]} = the max or sum of {@code row[from + ow
   * * sW + k]} for {@code k < kW}, a sum divided by {@code rowCount * columnCounts[ow]}.
   */
  private static void rowPass(
      float[] row,
      int from,
      SlidingWindow g,
      float[] y,
      int yr,
      boolean sum,
      float[] columnCounts,
      float rowCount) {
    int outW = g.outW;
    int kW = g.kW;
    if (g.sW > 2) {
      for (int ow = 0; ow < outW; ow++) {
        int at = from + ow * g.sW;
        float acc = row[at];
        for (int k = 1; k < kW; k++) {
          acc = sum ? acc + row[at + k] : Math.max(acc, row[at + k]);
        }
        y[yr + ow] = sum ? acc / (rowCount * columnCounts[ow]) : acc;
      }
      return;
    }
    // One loop for both strides, with no vector crossing a method call: a vector argument or
    // result of a call the JIT does not inline is boxed.
    for (int ow = 0; ow < outW; ow += L) {
      FloatVector acc;
      if (g.sW == 1) {
        acc = FloatVector.fromArray(S, row, from + ow);
        for (int k = 1; k < kW; k++) {
          acc = combine(acc, FloatVector.fromArray(S, row, from + ow + k), sum);
        }
      } else {
        // Two vectors of stride-1 windows, then their even lanes: no gather.
        int at = from + 2 * ow;
        FloatVector lo = FloatVector.fromArray(S, row, at);
        FloatVector hi = FloatVector.fromArray(S, row, at + L);
        for (int k = 1; k < kW; k++) {
          lo = combine(lo, FloatVector.fromArray(S, row, at + k), sum);
          hi = combine(hi, FloatVector.fromArray(S, row, at + L + k), sum);
        }
        acc = lo.rearrange(EVEN, hi);
      }
      if (sum) {
        acc = acc.div(FloatVector.fromArray(S, columnCounts, ow).mul(rowCount));
      }
      if (ow + L <= outW) {
        acc.intoArray(y, yr + ow);
      } else {
        acc.intoArray(y, yr + ow, S.indexInRange(ow, outW));
      }
    }
  }

  private static FloatVector combine(FloatVector acc, FloatVector v, boolean sum) {
    return sum ? acc.add(v) : acc.max(v);
  }
}
