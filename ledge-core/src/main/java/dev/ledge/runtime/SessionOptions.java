package dev.ledge.runtime;

import dev.ledge.LedgeException;

/** Settings for a {@link Session}. Mutable builder-style; copied when a session is created. */
public final class SessionOptions {
  /**
   * How much the graph is rewritten before running (the passes of each level are listed by {@code
   * dev.ledge.passes.GraphOptimizer#forLevel}). Each level includes the ones before it. The model's
   * own IR is never changed: sessions run an optimized copy.
   */
  public enum OptimizationLevel {
    /** Run the graph as written. */
    NONE,
    /**
     * Rewrites that are bit-exact: constant folding (nodes whose inputs are all constant run once,
     * at session creation), shape folding, and removal of dead nodes, Identity, inference Dropout,
     * cancelling Transposes and chained Reshapes.
     */
    BASIC,
    /**
     * Also fusions into standard ONNX ops that reassociate float math, so results may differ by
     * float rounding: BatchNormalization folded into a preceding Conv, MatMul + Add into Gemm.
     */
    EXTENDED,
    /** Everything Ledge has, including Ledge-internal fused ops when they exist (the default). */
    ALL
  }

  private int threads = 1;
  private boolean profile;

  /** Plans built only for type inference: operators skip expensive precomputation. */
  private boolean typesOnly;

  private OptimizationLevel optimizationLevel = OptimizationLevel.ALL;

  private boolean shareBuffers = true;

  private boolean poisonBuffers;

  public static SessionOptions defaults() {
    return new SessionOptions();
  }

  /** Worker threads for kernels that split work (default 1). */
  public SessionOptions threads(int n) {
    if (n < 1 || n > 1024) {
      throw new LedgeException("threads must be 1..1024, got " + n);
    }
    threads = n;
    return this;
  }

  public int threads() {
    return threads;
  }

  /** Collect time and allocation per operator type (see {@link Session#profile()}). */
  public SessionOptions profile(boolean on) {
    profile = on;
    return this;
  }

  public boolean profile() {
    return profile;
  }

  SessionOptions typesOnly(boolean on) {
    typesOnly = on;
    return this;
  }

  boolean typesOnly() {
    return typesOnly;
  }

  /** How much the graph is rewritten before running (default {@link OptimizationLevel#ALL}). */
  public SessionOptions optimizationLevel(OptimizationLevel level) {
    optimizationLevel = java.util.Objects.requireNonNull(level, "level");
    return this;
  }

  public OptimizationLevel optimizationLevel() {
    return optimizationLevel;
  }

  /**
   * Whether intermediate values share buffers (default true): a value's buffer is reused by later
   * values once nothing reads it any more, and elementwise operators may compute in place. With
   * false every intermediate keeps a buffer of its own (memory is the sum of all of them); results
   * are the same either way.
   */
  public SessionOptions shareBuffers(boolean on) {
    shareBuffers = on;
    return this;
  }

  public boolean shareBuffers() {
    return shareBuffers;
  }

  /**
   * For testing kernels (default false): fill every output buffer with garbage (NaN, 0x5A bytes)
   * before its kernel runs. Buffers are shared and reused, so an output's previous contents are
   * arbitrary; a kernel that does not write every element then gives visibly wrong results. Slower.
   */
  public SessionOptions poisonBuffers(boolean on) {
    poisonBuffers = on;
    return this;
  }

  public boolean poisonBuffers() {
    return poisonBuffers;
  }

  SessionOptions copy() {
    return new SessionOptions()
        .threads(threads)
        .optimizationLevel(optimizationLevel)
        .profile(profile)
        .shareBuffers(shareBuffers)
        .poisonBuffers(poisonBuffers);
  }
}
