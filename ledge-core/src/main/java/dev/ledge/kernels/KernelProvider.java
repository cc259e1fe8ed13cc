package dev.ledge.kernels;

/**
 * Chooses the kernel set for this JVM: the Vector API (SIMD) kernels when {@code
 * jdk.incubator.vector} is present, else the scalar reference kernels. {@code
 * -Dledge.kernels=scalar} forces the reference set (for debugging and for comparing the two).
 * Operators ask {@link #simd()} in {@code prepare} and pick their kernel once.
 */
public final class KernelProvider {
  private static final KernelProvider CURRENT =
      new KernelProvider(VectorSupport.moduleAvailable() && !VectorSupport.scalarForced());

  private final boolean simd;

  private KernelProvider(boolean simd) {
    this.simd = simd;
  }

  /** The provider chosen at startup. */
  public static KernelProvider current() {
    return CURRENT;
  }

  /** True if SIMD (Vector API) kernels are in use. */
  public boolean simd() {
    return simd;
  }

  /** One line for {@code ledge info}. */
  public String describe() {
    if (simd) {
      var s = VectorSupport.preferredFloatSpecies().orElseThrow();
      return "Vector API (SIMD) kernels, "
          + s.bits()
          + "-bit vectors ("
          + s.floatLanes()
          + " float lanes); SGEMM "
          + VectorGemm.describe();
    }
    String why =
        VectorSupport.scalarForced()
            ? "forced by -D" + VectorSupport.KERNELS_PROPERTY + "=scalar"
            : "the Vector API module is not available (--add-modules jdk.incubator.vector)";
    return "scalar reference kernels (" + why + ")";
  }
}
