package dev.ledge.kernels;

/**
 * An elementwise float32 kernel of one operand: {@code z[zOff + i] = f(x[xOff + i])} for {@code i <
 * n}. {@code z} may be {@code x} at the same offset.
 */
@FunctionalInterface
public interface FloatUnaryKernel {
  void apply(float[] x, int xOff, float[] z, int zOff, int n);
}
