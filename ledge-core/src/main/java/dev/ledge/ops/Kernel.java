package dev.ledge.ops;

/**
 * Computes one prepared node. Called on every run; it reads inputs and writes outputs through the
 * {@link ExecContext} and must not validate what {@code prepare} already validated, log, or keep
 * per-run state in fields (a plan and its kernels may be shared by several sessions).
 */
@FunctionalInterface
public interface Kernel {
  void execute(ExecContext ctx);
}
