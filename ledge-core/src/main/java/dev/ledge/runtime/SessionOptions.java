package dev.ledge.runtime;

import dev.ledge.LedgeException;

/** Settings for a {@link Session}. Mutable builder-style; copied when a session is created. */
public final class SessionOptions {
  /** How much the graph is rewritten before running. */
  public enum OptimizationLevel {
    /** Run the graph as written. */
    NONE,
    /** Fold constants (nodes whose inputs are all constant run once, at session creation). */
    BASIC
  }

  private int threads = 1;
  private boolean profile;
  private OptimizationLevel optimizationLevel = OptimizationLevel.BASIC;

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

  public SessionOptions optimizationLevel(OptimizationLevel level) {
    optimizationLevel = level;
    return this;
  }

  public OptimizationLevel optimizationLevel() {
    return optimizationLevel;
  }

  SessionOptions copy() {
    return new SessionOptions()
        .threads(threads)
        .optimizationLevel(optimizationLevel)
        .profile(profile);
  }
}
