package dev.ledge.ops.math;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Pow: base^exponent elementwise with numpy broadcasting; the output has the base's type. From
 * opset 12 the exponent may have another numeric type. Floating-point results are computed in
 * double ({@link Math#pow}, exact whenever the result is representable) and rounded to the base
 * type; an integer base with an integer exponent is raised exactly by repeated squaring, wrapping
 * like numpy's integer power (negative exponents as {@link BinaryFunctions#intPow}); an integer
 * base with a floating-point exponent takes the double result truncated toward zero, saturated to
 * the type's range (NaN gives 0).
 */
final class PowOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType baseType = ElementTypes.require(ctx, 0, ElementTypes.NUMERIC);
    DType expType = ElementTypes.require(ctx, 1, ElementTypes.NUMERIC);
    if (ctx.opsetVersion() < 12 && baseType != null && expType != null && baseType != expType) {
      throw ctx.error(
          "base and exponent must have the same type before opset 12, got "
              + baseType
              + " and "
              + expType);
    }
    LegacyBroadcast legacy = LegacyBroadcast.forNode(ctx);
    ctx.setOutput(
        0, baseType, legacy != null ? ctx.inputShape(0) : ElementTypes.broadcastShape(ctx, 0, 1));
    ctx.allowInPlace(0, 0);
    ctx.allowInPlace(1, 0);
    return exec -> {
      Tensor a = exec.input(0);
      Tensor b = exec.input(1);
      DType dt = a.dtype();
      BinaryBroadcast p = BinaryBroadcast.cached(exec, a, b);
      if (p == null) {
        int[] aShape = a.shape();
        int[] bShape = b.shape();
        int[] shape;
        if (legacy != null) {
          bShape = legacy.alignB(exec, aShape, bShape);
          shape = aShape;
        } else {
          shape = ElementTypes.broadcast(exec, a, b);
        }
        p = BinaryBroadcast.keep(exec, a, b, shape, aShape, bShape);
      }
      BroadcastRuns.Walk w = p.walk;
      Tensor out = exec.output(0, dt, p.out);
      if (b.dtype() == dt) {
        Object x = a.array();
        Object y = b.array();
        Object z = out.array();
        int ao = a.offset();
        int bo = b.offset();
        int oo = out.offset();
        for (w.start(); w.next(); ) {
          ElementLoops.binary(
              BinaryFunctions.POW,
              dt,
              x,
              ao + w.offset(0),
              w.step(0),
              y,
              bo + w.offset(1),
              w.step(1),
              z,
              oo + w.out(),
              w.length());
        }
        return;
      }
      if (!dt.isNumeric() || !b.dtype().isNumeric()) {
        throw exec.error("Pow is not defined for " + dt + " and " + b.dtype());
      }
      boolean realBase = dt.isFloatingPoint();
      boolean realExp = b.dtype().isFloatingPoint();
      boolean unsignedExp = b.dtype() == DType.UINT64;
      // Mixed types are rare (typically a float base with an integer constant exponent); the
      // generic element accessors keep this path short.
      for (w.start(); w.next(); ) {
        int ai = w.offset(0);
        int bi = w.offset(1);
        int o = w.out();
        for (int k = 0; k < w.length(); k++, ai += w.step(0), bi += w.step(1)) {
          if (realBase) {
            out.setDouble(o + k, Math.pow(a.getDouble(ai), b.getDouble(bi)));
          } else if (realExp) {
            double r = Math.pow(a.getDouble(ai), b.getDouble(bi));
            out.setLong(o + k, saturate(r, dt));
          } else if (unsignedExp) {
            out.setLong(o + k, BinaryFunctions.unsignedPow(a.getLong(ai), b.getLong(bi)));
          } else {
            out.setLong(o + k, BinaryFunctions.intPow(a.getLong(ai), b.getLong(bi)));
          }
        }
      }
    };
  }

  /** Truncates toward zero and saturates to the integer type's range; NaN gives 0. */
  static long saturate(double v, DType t) {
    if (t == DType.UINT64) {
      return UnaryFunctions.unsignedFromDouble(v);
    }
    long x = (long) v; // Java's conversion truncates, saturates to the long range, maps NaN to 0
    if (t.bits() >= 64) {
      return x;
    }
    long max = t.kind() == DType.Kind.UNSIGNED ? (1L << t.bits()) - 1 : (1L << (t.bits() - 1)) - 1;
    long min = t.kind() == DType.Kind.UNSIGNED ? 0 : -(1L << (t.bits() - 1));
    return Math.max(min, Math.min(max, x));
  }
}
