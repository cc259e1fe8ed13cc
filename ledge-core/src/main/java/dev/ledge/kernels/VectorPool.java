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
 *
 * <p>No vector crosses a call between this class's methods, and the vector loops have no masked
 * tails where whole rows allow: a vector passed to or returned from a call the JIT does not inline
 * is boxed (C2 declined to inline even a one-line helper once it had compiled it on its own), and a
 * masked load or store at the end of an array takes a slow checked path. Either made some runs
 * allocate megabytes and run several times slower.
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
    // Max pooling gets the counts too, unused: the JIT may hoist the row pass's checks on this
    // array out of its loop, and a null array would then fail them (a deoptimization).
    float[] columnCounts = columnCounts(g, countIncludePad);
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
    if (w < L) {
      // One masked vector: the only masked loads (at the very end of x, a slower checked path).
      VectorMask<Float> m = S.indexInRange(0, w);
      FloatVector acc = FloatVector.fromArray(S, x, at, m);
      for (int r = 1; r < rows; r++) {
        FloatVector v = FloatVector.fromArray(S, x, at + r * w, m);
        acc = sum ? acc.add(v) : acc.max(v);
      }
      acc.intoArray(row, to, m);
      return;
    }
    // Whole vectors, the last one overlapping the one before rather than a masked tail.
    for (int j = 0; j < w; j += L) {
      int c = Math.min(j, w - L);
      FloatVector acc = FloatVector.fromArray(S, x, at + c);
      for (int r = 1; r < rows; r++) {
        FloatVector v = FloatVector.fromArray(S, x, at + r * w + c);
        acc = sum ? acc.add(v) : acc.max(v);
      }
      acc.intoArray(row, to + c);
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
    // Whole vectors, the last one overlapping the one before rather than a masked tail, unless the
    // row is shorter than a vector.
    int last = Math.max(0, outW - L);
    for (int ow = 0; ow < outW; ow += L) {
      int o = Math.min(ow, last);
      FloatVector acc;
      if (g.sW == 1) {
        acc = FloatVector.fromArray(S, row, from + o);
        for (int k = 1; k < kW; k++) {
          FloatVector v = FloatVector.fromArray(S, row, from + o + k);
          acc = sum ? acc.add(v) : acc.max(v);
        }
      } else {
        // Two vectors of stride-1 windows, then their even lanes: no gather.
        int at = from + 2 * o;
        FloatVector lo = FloatVector.fromArray(S, row, at);
        FloatVector hi = FloatVector.fromArray(S, row, at + L);
        for (int k = 1; k < kW; k++) {
          FloatVector vl = FloatVector.fromArray(S, row, at + k);
          lo = sum ? lo.add(vl) : lo.max(vl);
          FloatVector vh = FloatVector.fromArray(S, row, at + L + k);
          hi = sum ? hi.add(vh) : hi.max(vh);
        }
        acc = lo.rearrange(EVEN, hi);
      }
      if (sum) {
        acc = acc.div(FloatVector.fromArray(S, columnCounts, o).mul(rowCount));
      }
      if (outW >= L) {
        acc.intoArray(y, yr + o);
      } else {
        acc.intoArray(y, yr, S.indexInRange(0, outW));
      }
    }
  }
}
