package dev.ledge.ops.core;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/** Graph plumbing: Constant and Identity. */
public final class CoreOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("Constant", new ConstantOp());
    r.register("Identity", new IdentityOp());
  }
}
