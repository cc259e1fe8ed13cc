package dev.ledge.ops;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.tensor.Shapes;
import java.util.ArrayList;
import java.util.List;

/** Numpy-style broadcasting for kernels (run-time shapes) and prepare (static shapes). */
public final class Broadcast {
  private Broadcast() {}

  /**
   * For each element of the output (row-major over {@code outShape}), the linear index of the
   * element of an input of shape {@code inShape} that broadcasts to it.
   */
  public static int[] indexMap(int[] inShape, int[] outShape) {
    int n = Shapes.size(outShape);
    int[] map = new int[n];
    int rank = outShape.length;
    if (rank == 0) {
      return map;
    }
    int[] st = Shapes.broadcastStrides(inShape, outShape);
    int[] idx = new int[rank];
    int off = 0;
    for (int i = 0; i < n; i++) {
      map[i] = off;
      for (int d = rank - 1; d >= 0; d--) {
        idx[d]++;
        off += st[d];
        if (idx[d] < outShape[d]) {
          break;
        }
        off -= st[d] * idx[d];
        idx[d] = 0;
      }
    }
    return map;
  }

  /**
   * The broadcast of static shapes: null if any rank is unknown; unknown dims stay unknown unless
   * another input fixes them to a size other than 1. Returns null also if the known dims clash (the
   * caller reports the error).
   */
  public static Shape staticShape(Shape... shapes) {
    int rank = 0;
    for (Shape s : shapes) {
      if (s == null) {
        return null;
      }
      rank = Math.max(rank, s.rank());
    }
    List<Dim> out = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      Dim result = Dim.of(1);
      boolean unknown = false;
      for (Shape s : shapes) {
        int j = i - (rank - s.rank());
        if (j < 0) {
          continue;
        }
        Dim d = s.dim(j);
        if (!d.isKnown()) {
          unknown = true;
          if (result.isKnown() && result.value() == 1) {
            result = d;
          }
          continue;
        }
        if (d.value() == 1) {
          continue;
        }
        if (result.isKnown() && result.value() != 1 && result.value() != d.value()) {
          return null;
        }
        result = d;
      }
      out.add(unknown && result.isKnown() && result.value() == 1 ? Dim.unknown() : result);
    }
    return new Shape(out);
  }
}
