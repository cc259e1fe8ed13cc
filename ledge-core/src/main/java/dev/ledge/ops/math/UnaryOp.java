package dev.ledge.ops.math;

import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.KernelProvider;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An elementwise operator of one input whose output has the input's element type and shape (Abs,
 * Exp, Relu, Elu, ...). The function is built once per node from its attributes; float32 tensors
 * take the function's SIMD kernel when the kernel provider uses SIMD.
 */
final class UnaryOp implements Operator {
  /** Builds a node's function from its attributes and input type (null if unknown). */
  @FunctionalInterface
  interface Factory {
    UnaryFn create(OpContext ctx, DType type);
  }

  private final Set<DType> types;
  private final Factory factory;

  UnaryOp(Set<DType> types, Factory factory) {
    this.types = types;
    this.factory = factory;
  }

  /** An operator on numeric types computing {@code fn}. */
  static UnaryOp of(Set<DType> types, UnaryFn fn) {
    return new UnaryOp(types, (ctx, t) -> fn);
  }

  /** A floating-point-only operator computing {@code f}. */
  static UnaryOp real(DoubleUnaryOperator f) {
    UnaryFn fn = UnaryFn.real(f);
    return new UnaryOp(ElementTypes.FLOATS, (ctx, t) -> fn);
  }

  /** A floating-point-only operator computing {@code f}, with a SIMD float32 kernel. */
  static UnaryOp real(DoubleUnaryOperator f, Supplier<FloatUnaryKernel> simd32) {
    UnaryFn fn = UnaryFn.real(f).withSimd32(simd32);
    return new UnaryOp(ElementTypes.FLOATS, (ctx, t) -> fn);
  }

  /** A floating-point-only operator whose function depends on the node's attributes. */
  static UnaryOp realWith(Function<OpContext, UnaryFn> f) {
    return new UnaryOp(ElementTypes.FLOATS, (ctx, t) -> f.apply(ctx));
  }

  /**
   * The SIMD float32 kernel of {@code fn} if SIMD kernels are in use and the input may be float32
   * ({@code type} null: unknown until run time), else null.
   */
  static FloatUnaryKernel simd32(UnaryFn fn, DType type) {
    if (fn.simd32() == null
        || (type != null && type != DType.FLOAT32)
        || !KernelProvider.current().simd()) {
      return null;
    }
    return fn.simd32().get();
  }

  /** Applies {@code fn} to a whole tensor, through {@code simd} for float32 when given. */
  static void apply(UnaryFn fn, FloatUnaryKernel simd, Tensor in, Tensor out) {
    if (simd != null && in.dtype() == DType.FLOAT32) {
      simd.apply(in.floats(), in.offset(), out.floats(), out.offset(), in.size());
    } else {
      ElementLoops.unary(fn, in, out);
    }
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = ElementTypes.require(ctx, 0, types);
    UnaryFn fn = factory.create(ctx, t);
    FloatUnaryKernel simd = simd32(fn, t);
    ctx.setOutput(0, t, ctx.inputShape(0));
    ctx.allowInPlace(0, 0); // element i from element i, SIMD kernels included
    return exec -> {
      Tensor in = exec.input(0);
      apply(fn, simd, in, exec.outputLike(0, in.dtype(), in));
    };
  }
}
