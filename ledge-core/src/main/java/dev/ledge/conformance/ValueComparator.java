package dev.ledge.conformance;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.OptionalValue;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.Arrays;

/**
 * Compares actual and expected values with the ONNX backend-test rules: floating point within
 * {@code |a - e| <= atol + rtol * |e|} (NaN equals NaN, infinities must match), everything else
 * exactly.
 */
public final class ValueComparator {
  private final double rtol;
  private final double atol;

  public ValueComparator(double rtol, double atol) {
    this.rtol = rtol;
    this.atol = atol;
  }

  /** The ONNX backend defaults: rtol 1e-3, atol 1e-7. */
  public static ValueComparator onnxDefaults() {
    return new ValueComparator(1e-3, 1e-7);
  }

  /** Null if equal within tolerance, else a description of the first difference. */
  public String compare(Object actual, Object expected) {
    if (expected instanceof Tensor e) {
      if (!(actual instanceof Tensor a)) {
        return "expected a tensor, got " + actual;
      }
      return compareTensors(a, e);
    }
    if (expected instanceof TensorSequence e) {
      if (!(actual instanceof TensorSequence a)) {
        return "expected a sequence, got " + actual;
      }
      if (a.size() != e.size()) {
        return "sequence has " + a.size() + " tensors, expected " + e.size();
      }
      for (int i = 0; i < a.size(); i++) {
        String d = compareTensors(a.get(i), e.get(i));
        if (d != null) {
          return "sequence element " + i + ": " + d;
        }
      }
      return null;
    }
    if (expected instanceof OptionalValue e) {
      Object a = actual instanceof OptionalValue o ? o.value() : actual;
      if (!e.isPresent()) {
        return a == null ? null : "expected an empty optional, got " + a;
      }
      return a == null
          ? "expected " + e.value() + ", got an empty optional"
          : compare(a, e.value());
    }
    return "cannot compare values of type " + (expected == null ? "null" : expected.getClass());
  }

  /** Null if equal within tolerance, else a description of the first (or worst) difference. */
  public String compareTensors(Tensor a, Tensor e) {
    if (a.dtype() != e.dtype()) {
      return "dtype " + a.dtype() + ", expected " + e.dtype();
    }
    if (!Arrays.equals(a.shape(), e.shape())) {
      return "shape " + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(e.shape());
    }
    int n = e.size();
    DType t = e.dtype();
    if (t == DType.STRING) {
      for (int i = 0; i < n; i++) {
        if (!a.getString(i).equals(e.getString(i))) {
          return "element "
              + i
              + " is \""
              + a.getString(i)
              + "\", expected \""
              + e.getString(i)
              + "\"";
        }
      }
      return null;
    }
    if (t.isFloatingPoint() || t.kind() == DType.Kind.COMPLEX) {
      int bad = 0;
      int first = -1;
      double worst = 0;
      int worstAt = -1;
      boolean complex = t.kind() == DType.Kind.COMPLEX;
      int m = complex ? 2 * n : n;
      for (int i = 0; i < m; i++) {
        double x = complex ? complexPart(a, i) : a.getDouble(i);
        double y = complex ? complexPart(e, i) : e.getDouble(i);
        if (Double.isNaN(y) && Double.isNaN(x)) {
          continue;
        }
        if (Double.isInfinite(y) || Double.isInfinite(x)) {
          if (x != y) {
            bad++;
            first = first < 0 ? i : first;
          }
          continue;
        }
        double diff = Math.abs(x - y);
        if (!(diff <= atol + rtol * Math.abs(y))) {
          bad++;
          first = first < 0 ? i : first;
          if (!(diff <= worst)) {
            worst = diff;
            worstAt = i;
          }
        }
      }
      if (bad == 0) {
        return null;
      }
      int at = worstAt >= 0 ? worstAt : first;
      double x = complex ? complexPart(a, at) : a.getDouble(at);
      double y = complex ? complexPart(e, at) : e.getDouble(at);
      return bad
          + " of "
          + m
          + " values differ beyond rtol "
          + rtol
          + ", atol "
          + atol
          + "; worst at "
          + at
          + ": got "
          + x
          + ", expected "
          + y;
    }
    for (int i = 0; i < n; i++) {
      if (a.getLong(i) != e.getLong(i)) {
        return "element " + i + " is " + a.getLong(i) + ", expected " + e.getLong(i);
      }
    }
    return null;
  }

  private static double complexPart(Tensor t, int i) {
    return t.dtype() == DType.COMPLEX64 ? t.floats()[t.offset() + i] : t.doubles()[t.offset() + i];
  }
}
