package dev.ledge.kernels;

/**
 * An elementwise float32 kernel of two operands over a run of {@code n} output elements: {@code
 * z[zOff + i] = f(a[aOff + i * aStep], b[bOff + i * bStep])}. Steps are 1 (contiguous) or 0 (a
 * broadcast value), as {@code BroadcastRuns} produces; {@code z} may alias an input at the same
 * offset.
 */
@FunctionalInterface
public interface FloatBinaryKernel {
  void apply(
      float[] a, int aOff, int aStep, float[] b, int bOff, int bStep, float[] z, int zOff, int n);
}
