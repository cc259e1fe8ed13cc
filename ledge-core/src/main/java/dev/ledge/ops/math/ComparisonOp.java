package dev.ledge.ops.math;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Set;

/**
 * Equal, Greater, GreaterOrEqual, Less, LessOrEqual: compare two inputs of one element type with
 * numpy broadcasting (attribute-driven broadcasting before opset 7) and give a bool tensor.
 * Floating-point comparisons follow IEEE 754 (NaN compares unequal to everything); Equal also
 * compares strings.
 */
final class ComparisonOp implements Operator {
  static final CompareFn EQUAL =
      new CompareFn((a, b) -> a == b, (a, b) -> a == b, (a, b) -> a == b);
  static final CompareFn GREATER =
      new CompareFn((a, b) -> a > b, (a, b) -> a > b, (a, b) -> Long.compareUnsigned(a, b) > 0);
  static final CompareFn GREATER_OR_EQUAL =
      new CompareFn((a, b) -> a >= b, (a, b) -> a >= b, (a, b) -> Long.compareUnsigned(a, b) >= 0);
  static final CompareFn LESS =
      new CompareFn((a, b) -> a < b, (a, b) -> a < b, (a, b) -> Long.compareUnsigned(a, b) < 0);
  static final CompareFn LESS_OR_EQUAL =
      new CompareFn((a, b) -> a <= b, (a, b) -> a <= b, (a, b) -> Long.compareUnsigned(a, b) <= 0);

  private final Set<DType> types;
  private final CompareFn fn;

  ComparisonOp(Set<DType> types, CompareFn fn) {
    this.types = types;
    this.fn = fn;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType t = ElementTypes.requireSame(ctx, types, 0, 1);
    LegacyBroadcast legacy = LegacyBroadcast.forNode(ctx);
    ctx.setOutput(
        0, DType.BOOL, legacy != null ? ctx.inputShape(0) : ElementTypes.broadcastShape(ctx, 0, 1));
    return exec -> {
      Tensor a = exec.input(0);
      Tensor b = exec.input(1);
      DType dt = a.dtype();
      ElementTypes.requireRuntimeType(exec, dt, b);
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
      Tensor out = exec.output(0, DType.BOOL, p.out);
      byte[] z = out.bytes();
      int ao = a.offset();
      int bo = b.offset();
      int oo = out.offset();
      BroadcastRuns.Walk w = p.walk;
      if (dt == DType.STRING) {
        String[] x = a.strings();
        String[] y = b.strings();
        for (w.start(); w.next(); ) {
          int i = ao + w.offset(0);
          int j = bo + w.offset(1);
          int o = oo + w.out();
          for (int k = 0; k < w.length(); k++, i += w.step(0), j += w.step(1)) {
            z[o + k] = x[i].equals(y[j]) ? (byte) 1 : 0;
          }
        }
        return;
      }
      Object x = a.array();
      Object y = b.array();
      for (w.start(); w.next(); ) {
        ElementLoops.compare(
            fn,
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
    };
  }
}
