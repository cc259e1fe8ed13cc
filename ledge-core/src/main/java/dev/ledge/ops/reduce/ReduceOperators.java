package dev.ledge.ops.reduce;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/** Reductions: ReduceL1 ... ReduceSumSquare, ArgMax and ArgMin. */
public final class ReduceOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    for (ReduceKind kind : ReduceKind.values()) {
      r.register(kind.opType(), new ReduceOp(kind));
    }
    r.register("ArgMax", new ArgExtremeOp(true));
    r.register("ArgMin", new ArgExtremeOp(false));
  }
}
