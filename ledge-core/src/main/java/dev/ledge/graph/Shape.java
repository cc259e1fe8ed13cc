package dev.ledge.graph;

import java.util.ArrayList;
import java.util.List;

/** A static (load-time) shape: a list of {@link Dim}s, possibly with unknown or symbolic dims. */
public record Shape(List<Dim> dims) {
  public Shape {
    dims = List.copyOf(dims);
  }

  public static Shape of(long... dims) {
    List<Dim> d = new ArrayList<>(dims.length);
    for (long x : dims) {
      d.add(x >= 0 ? Dim.of(x) : Dim.unknown());
    }
    return new Shape(d);
  }

  public static Shape of(int... dims) {
    List<Dim> d = new ArrayList<>(dims.length);
    for (int x : dims) {
      d.add(x >= 0 ? Dim.of(x) : Dim.unknown());
    }
    return new Shape(d);
  }

  /** A shape of the given rank with every dim unknown. */
  public static Shape unknownDims(int rank) {
    List<Dim> d = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      d.add(Dim.unknown());
    }
    return new Shape(d);
  }

  public int rank() {
    return dims.size();
  }

  public Dim dim(int i) {
    return dims.get(i);
  }

  /** True if every dim is a known size. */
  public boolean isStatic() {
    return dims.stream().allMatch(Dim::isKnown);
  }

  /** The dims as ints if all are known, else null. */
  public int[] toIntsOrNull() {
    int[] r = new int[dims.size()];
    for (int i = 0; i < r.length; i++) {
      Dim d = dims.get(i);
      if (!d.isKnown() || d.value() > Integer.MAX_VALUE) {
        return null;
      }
      r[i] = (int) d.value();
    }
    return r;
  }

  @Override
  public String toString() {
    return dims.toString();
  }
}
