package dev.ledge.ops.tensor;

import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * How scatter ops combine an update with the existing element: {@code reduction} = none (replace),
 * add, mul (opset 16), max, min (opset 18). Float16/bfloat16 combine exactly and round once;
 * integers wrap; NaN propagates through max/min.
 */
enum ScatterReduction {
  NONE,
  ADD,
  MUL,
  MAX,
  MIN;

  /** Reads and validates the {@code reduction} attribute for the node's opset and data type. */
  static ScatterReduction of(OpContext ctx, DType dtype) {
    String name = ctx.attrString("reduction", "none");
    ScatterReduction r =
        switch (name) {
          case "none" -> NONE;
          case "add" -> ADD;
          case "mul" -> MUL;
          case "max" -> MAX;
          case "min" -> MIN;
          default ->
              throw ctx.error(
                  "attribute 'reduction' is \"" + name + "\", expected none, add, mul, max or min");
        };
    long since = r == MAX || r == MIN ? 18 : r == NONE ? 0 : 16;
    if (ctx.opsetVersion() < since) {
      throw ctx.error("reduction \"" + name + "\" needs opset " + since + " or later");
    }
    if (r != NONE && dtype != null && !supports(dtype)) {
      throw ctx.unsupported("reduction \"" + name + "\" on " + dtype + " elements");
    }
    return r;
  }

  /** Types with a well-defined arithmetic here: float32/64, float16, bfloat16 and integers. */
  static boolean supports(DType t) {
    return switch (t) {
      case FLOAT32, FLOAT64, FLOAT16, BFLOAT16 -> true;
      default -> t.isInteger();
    };
  }

  /** {@code out[o] = combine(out[o], upd[u])}. */
  void apply(Tensor out, int o, Tensor upd, int u) {
    if (this == NONE) {
      Elements.copyOne(upd, u, out, o);
      return;
    }
    DType t = out.dtype();
    switch (t) {
      case FLOAT32 -> {
        float a = out.floats()[out.offset() + o];
        float b = upd.floats()[upd.offset() + u];
        out.floats()[out.offset() + o] =
            switch (this) {
              case ADD -> a + b;
              case MUL -> a * b;
              case MAX -> Math.max(a, b);
              default -> Math.min(a, b);
            };
      }
      case FLOAT64, FLOAT16, BFLOAT16 -> {
        double a = out.getDouble(o);
        double b = upd.getDouble(u);
        double r =
            switch (this) {
              case ADD -> a + b;
              case MUL -> a * b;
              case MAX -> Math.max(a, b);
              default -> Math.min(a, b);
            };
        if (t == DType.FLOAT64) {
          out.setDouble(o, r);
        } else {
          out.setRawBits(o, ExactRounding.smallFromDouble(t, r, true, "up"));
        }
      }
      default -> {
        long a = out.getLong(o);
        long b = upd.getLong(u);
        boolean unsigned = t == DType.UINT64;
        long r =
            switch (this) {
              case ADD -> a + b;
              case MUL -> a * b;
              case MAX -> (unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) >= 0 ? a : b;
              default -> (unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) <= 0 ? a : b;
            };
        out.setLong(o, r);
      }
    }
  }
}
