package dev.ledge.ops.math;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * An elementwise operator of one input whose output has the input's element type and shape (Abs,
 * Exp, Relu, Elu, ...). The function is built once per node from its attributes.
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

  /** A floating-point-only operator whose function depends on the node's attributes. */
  static UnaryOp realWith(Function<OpContext, DoubleUnaryOperator> f) {
    return new UnaryOp(ElementTypes.FLOATS, (ctx, t) -> UnaryFn.real(f.apply(ctx)));
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = ElementTypes.require(ctx, 0, types);
    UnaryFn fn = factory.create(ctx, t);
    ctx.setOutput(0, t, ctx.inputShape(0));
    return exec -> {
      Tensor in = exec.input(0);
      Tensor out = exec.output(0, in.dtype(), in.shape());
      ElementLoops.unary(fn, in, out);
    };
  }
}
