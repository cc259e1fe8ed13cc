package dev.ledge.ops.reduce;

import java.util.ArrayList;
import java.util.List;

/**
 * How a row-major tensor maps onto the output of a reduction over some of its axes.
 *
 * <p>Dims of size 1 are dropped and neighbouring dims that are both reduced or both kept are
 * merged, which leaves a short list of groups. A pass over the input then visits contiguous
 * <em>segments</em> (one run of the innermost group): either all of a segment's elements fold into
 * one output element (inner group reduced) or element {@code j} folds into output {@code out + j}
 * (inner group kept).
 */
final class ReductionGeometry {
  /** Receives one contiguous segment of the input. */
  @FunctionalInterface
  interface SegmentVisitor {
    /**
     * @param in linear index of the segment's first input element
     * @param out linear index of the output element of the segment's first input element
     * @param length number of elements in the segment
     * @param reducedInner true if the whole segment folds into output {@code out}, false if element
     *     {@code j} folds into output {@code out + j}
     */
    void visit(int in, int out, int length, boolean reducedInner);
  }

  private final int inSize;
  private final int outSize;
  private final int count;
  private final int[] groups;
  private final boolean[] groupReduced;

  /**
   * @param shape the input shape
   * @param reduced for each axis, whether it is reduced
   */
  ReductionGeometry(int[] shape, boolean[] reduced) {
    long in = 1;
    long out = 1;
    long per = 1;
    List<int[]> merged = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      in *= shape[i];
      if (reduced[i]) {
        per *= shape[i];
      } else {
        out *= shape[i];
      }
      if (shape[i] == 1) {
        continue;
      }
      int flag = reduced[i] ? 1 : 0;
      if (!merged.isEmpty() && merged.getLast()[1] == flag) {
        merged.getLast()[0] *= shape[i];
      } else {
        merged.add(new int[] {shape[i], flag});
      }
    }
    // Sizes are bounded by the (already validated) input size, so the ints cannot overflow.
    this.inSize = (int) in;
    this.outSize = (int) out;
    this.count = (int) per;
    this.groups = new int[merged.size()];
    this.groupReduced = new boolean[merged.size()];
    for (int g = 0; g < groups.length; g++) {
      groups[g] = merged.get(g)[0];
      groupReduced[g] = merged.get(g)[1] == 1;
    }
    initCursor();
  }

  /** Number of input elements. */
  int inSize() {
    return inSize;
  }

  /** Number of output elements. */
  int outSize() {
    return outSize;
  }

  /** Number of input elements that fold into each output element (0 for an empty set). */
  int count() {
    return count;
  }

  /** Length of every segment {@link #forEachSegment} visits (1 for a scalar). */
  int segmentLength() {
    return groups.length == 0 ? 1 : groups[groups.length - 1];
  }

  /** Visits every segment of the input in row-major order; nothing if the input is empty. */
  void forEachSegment(SegmentVisitor visitor) {
    for (start(); next(); ) {
      visitor.visit(segmentIn, segmentOut, segmentLength(), reducedInner());
    }
  }

  /** True if each segment folds into one output element (the innermost group is reduced). */
  boolean reducedInner() {
    return groups.length == 0 || groupReduced[groups.length - 1];
  }

  /**
   * Rewinds the segment cursor: then {@link #next} moves to each segment in turn, whose first input
   * and output indices are {@link #segmentIn} and {@link #segmentOut}. Allocation-free, for kernels
   * that keep the geometry between runs.
   */
  void start() {
    java.util.Arrays.fill(idx, 0);
    segmentIn = -segmentLength();
    segmentOut = 0;
    first = true;
  }

  /** Moves to the next segment; false when there is none. */
  boolean next() {
    if (inSize == 0) {
      return false;
    }
    if (groups.length == 0) {
      // A scalar: one segment, once.
      if (!first) {
        return false;
      }
      first = false;
      segmentIn = 0;
      return true;
    }
    if (!first) {
      int g = groups.length;
      for (int d = g - 2; d >= 0; d--) {
        idx[d]++;
        segmentOut += outStride[d];
        if (idx[d] < groups[d]) {
          break;
        }
        segmentOut -= outStride[d] * idx[d];
        idx[d] = 0;
      }
    }
    first = false;
    segmentIn += segmentLength();
    return segmentIn < inSize;
  }

  /** Input index of the current segment's first element. */
  int segmentIn;

  /** Output index of the current segment's first element. */
  int segmentOut;

  private boolean first;

  /** Output strides of the outer groups: 0 for reduced groups, else the kept sizes to the right. */
  private int[] outStride;

  /** Cursor position in the outer groups. */
  private int[] idx;

  /** Scratch for kernels that keep this geometry: a segment, and two outputs' worth. */
  double[] segment;

  double[] acc;
  double[] shift;

  private void initCursor() {
    int g = groups.length;
    outStride = new int[Math.max(0, g - 1)];
    idx = new int[Math.max(0, g - 1)];
    if (g == 0) {
      return;
    }
    int acc = groupReduced[g - 1] ? 1 : groups[g - 1];
    for (int d = g - 2; d >= 0; d--) {
      if (groupReduced[d]) {
        outStride[d] = 0;
      } else {
        outStride[d] = acc;
        acc *= groups[d];
      }
    }
  }
}
