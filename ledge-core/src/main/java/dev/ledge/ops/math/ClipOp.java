package dev.ledge.ops.math;

import dev.ledge.graph.Shape;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.VectorElementwise;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Clip: min(max(x, low), high) elementwise. Before opset 11 the bounds are float attributes
 * (absent: no bound in opset 1, ±FLT_MAX from opset 6); from opset 11 they are optional scalar
 * inputs of the input's type (absent: no bound). When low > high every element becomes high, and
 * NaN stays NaN, as numpy's clip.
 */
final class ClipOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 11) {
      ctx.requireInputCount(1, 1);
      DType t = ElementTypes.require(ctx, 0, ElementTypes.FLOATS);
      double unbounded = ctx.opsetVersion() < 6 ? Double.POSITIVE_INFINITY : Float.MAX_VALUE;
      double low = ctx.hasAttr("min") ? ctx.attrFloat("min", 0f) : -unbounded;
      double high = ctx.hasAttr("max") ? ctx.attrFloat("max", 0f) : unbounded;
      // exact: float attributes, ±FLT_MAX or ±inf
      UnaryFn fn = bounded((float) low, (float) high);
      FloatUnaryKernel simd = UnaryOp.simd32(fn, t);
      ctx.setOutput(0, t, ctx.inputShape(0));
      ctx.allowInPlace(0, 0);
      return exec -> {
        Tensor in = exec.input(0);
        UnaryOp.apply(fn, simd, in, exec.outputLike(0, in.dtype(), in));
      };
    }
    ctx.requireInputCount(1, 3);
    DType t = ElementTypes.require(ctx, 0, ElementTypes.NUMERIC);
    for (int i = 1; i < 3; i++) {
      if (!ctx.hasInput(i)) {
        continue;
      }
      DType bt = ElementTypes.require(ctx, i, ElementTypes.NUMERIC);
      if (t != null && bt != null && bt != t) {
        throw ctx.error("bound input " + i + " has type " + bt + ", expected " + t + " as input 0");
      }
      Shape s = ctx.inputShape(i);
      int[] dims = s == null ? null : s.toIntsOrNull();
      if (dims != null && dev.ledge.tensor.Shapes.size(dims) != 1) {
        throw ctx.error("bound input " + i + " must be a scalar, got shape " + s);
      }
    }
    ctx.setOutput(0, t, ctx.inputShape(0));
    ctx.allowInPlace(0, 0); // the bounds are read before any element is written
    boolean simd = KernelProvider.current().simd() && (t == null || t == DType.FLOAT32);
    return exec -> {
      Tensor in = exec.input(0);
      Tensor low = bound(exec, 1, in.dtype());
      Tensor high = bound(exec, 2, in.dtype());
      Tensor out = exec.outputLike(0, in.dtype(), in);
      if (simd && in.dtype() == DType.FLOAT32) {
        float lo = low == null ? Float.NEGATIVE_INFINITY : low.floats()[low.offset()];
        float hi = high == null ? Float.POSITIVE_INFINITY : high.floats()[high.offset()];
        VectorElementwise.clip(
            in.floats(), in.offset(), out.floats(), out.offset(), in.size(), lo, hi);
        return;
      }
      ElementLoops.unary(clipFunction(in.dtype(), low, high), in, out);
    };
  }

  /** Clip to fixed float bounds, with its SIMD float32 kernel. */
  static UnaryFn bounded(float lo, float hi) {
    return UnaryFn.real(x -> Math.min(Math.max(x, lo), hi))
        .withSimd32(() -> (x, xo, z, zo, n) -> VectorElementwise.clip(x, xo, z, zo, n, lo, hi));
  }

  private static Tensor bound(ExecContext exec, int i, DType t) {
    Tensor b = exec.input(i);
    if (b == null) {
      return null;
    }
    if (b.size() != 1) {
      throw exec.error("bound input " + i + " must be a scalar, got " + b);
    }
    if (b.dtype() != t) {
      throw exec.error("bound input " + i + " is " + b.dtype() + ", expected " + t);
    }
    return b;
  }

  /** The clip function for one run's bounds (null: unbounded on that side). */
  private static UnaryFn clipFunction(DType t, Tensor low, Tensor high) {
    if (t.isFloatingPoint()) {
      double lo = low == null ? Double.NEGATIVE_INFINITY : low.getDouble(0);
      double hi = high == null ? Double.POSITIVE_INFINITY : high.getDouble(0);
      return UnaryFn.real(x -> Math.min(Math.max(x, lo), hi));
    }
    if (t == DType.UINT64) {
      long lo = low == null ? 0 : low.getLong(0);
      long hi = high == null ? -1L : high.getLong(0);
      return new UnaryFn(
          null,
          null,
          x -> {
            long y = Long.compareUnsigned(x, lo) < 0 ? lo : x;
            return Long.compareUnsigned(y, hi) > 0 ? hi : y;
          });
    }
    long lo = low == null ? Long.MIN_VALUE : low.getLong(0);
    long hi = high == null ? Long.MAX_VALUE : high.getLong(0);
    return UnaryFn.of(null, x -> Math.min(Math.max(x, lo), hi));
  }
}
