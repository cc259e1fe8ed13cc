package dev.ledge.kernels;

/**
 * Chooses the kernel set used by this JVM. Today only the scalar reference kernels exist; the
 * Vector API kernels plug in here, and {@code -Dledge.kernels=scalar} will force the reference set.
 */
public final class KernelProvider {
  private static final KernelProvider CURRENT = new KernelProvider();

  private KernelProvider() {}

  /** The provider chosen at startup. */
  public static KernelProvider current() {
    return CURRENT;
  }

  /** True if SIMD (Vector API) kernels are in use. */
  public boolean simd() {
    return false;
  }

  /** One line for {@code ledge info}. */
  public String describe() {
    String why =
        VectorSupport.scalarForced()
            ? "forced by -D" + VectorSupport.KERNELS_PROPERTY + "=scalar"
            : "SIMD kernels are not implemented yet";
    return "scalar reference kernels (" + why + ")";
  }
}
