package dev.ledge.ops.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ledge.kernels.FloatBinaryKernel;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.VectorSupport;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every SIMD float32 kernel against the scalar reference kernel it replaces: sizes around the
 * vector length (tails), odd and large sizes, offsets, random inputs from fixed seeds over the
 * whole float range and the interesting ranges of each function, and special values (±0, ±inf, NaN,
 * subnormals, the extremes, the saturating and underflowing ranges of exp/tanh/sigmoid).
 */
class SimdKernelsTest {
  private static final int L = VectorSupport.preferredFloatSpecies().orElseThrow().floatLanes();

  /**
   * The largest difference from the reference allowed per kernel, in ulps of the float result
   * (subnormals in units of the least subnormal). 0 means bit-identical, signed zeros included. The
   * bounds are the measured maxima over these inputs; VectorElementwise says why.
   */
  private static final Map<String, Integer> ULPS =
      Map.ofEntries(
          Map.entry("Abs", 0),
          Map.entry("Neg", 0),
          Map.entry("Sqrt", 0),
          Map.entry("Reciprocal", 0),
          Map.entry("Relu", 0),
          Map.entry("LeakyRelu", 0),
          Map.entry("ThresholdedRelu", 0),
          Map.entry("Clip", 0),
          Map.entry("HardSigmoid", 1),
          Map.entry("HardSwish", 2),
          Map.entry("Softsign", 1),
          Map.entry("Exp", 1),
          Map.entry("Log", 1),
          Map.entry("Tanh", 2),
          Map.entry("Sigmoid", 2),
          Map.entry("Softplus", 2),
          Map.entry("Elu", 1),
          Map.entry("Celu", 2),
          Map.entry("Selu", 2),
          Map.entry("Erf", 1),
          Map.entry("Gelu", 1),
          Map.entry("GeluTanh", 1),
          Map.entry("Swish", 1),
          Map.entry("SiLU", 2));

  /**
   * Below this the sigmoid is subnormal, with fewer significant bits the lower x goes; SiLU, x
   * times that sigmoid, is then checked in units of the least subnormal scaled by |x|.
   */
  private static final float SIGMOID_SUBNORMAL = -87.33f;

  private static final float[] SPECIAL = {
    0f,
    -0f,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.NaN,
    Float.intBitsToFloat(0xFFC00001), // a negative NaN with payload
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MIN_NORMAL,
    -Float.MIN_NORMAL,
    0x1p-140f,
    -0x1p-140f,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    1e-30f,
    -1e-30f,
    0x1p-26f,
    -0x1p-26f,
    1f,
    -1f,
    0.5f,
    -0.5f,
    3f,
    -3f,
    6f,
    -6f,
    88.72f, // exp overflows just above
    88.73f,
    -87.34f, // exp becomes subnormal
    -103.97f, // exp underflows to 0
    -104f,
    -120f,
    9.01f, // tanh saturates
    -9.01f,
    15f,
    -15f,
    30f,
    -30f,
    100f,
    -100f,
    1e6f,
    -1e6f
  };

  static Iterable<String> unaryOps() {
    return Float32Kernels.UNARY;
  }

  static Iterable<String> binaryOps() {
    return Float32Kernels.BINARY;
  }

  @Test
  void everyKernelHasABound() {
    assertEquals(ULPS.keySet(), new java.util.HashSet<>(Float32Kernels.UNARY));
  }

  @ParameterizedTest
  @MethodSource("unaryOps")
  void unaryKernelMatchesReference(String op) {
    FloatUnaryKernel ref = Float32Kernels.unary(op, false);
    FloatUnaryKernel simd = Float32Kernels.unary(op, true);
    int bound = ULPS.get(op);
    for (int n : sizes()) {
      float[] x = inputs(op.hashCode() * 31L + n, n + 3);
      float[] want = new float[n + 5];
      float[] got = new float[n + 5];
      Arrays.fill(want, 42f);
      Arrays.fill(got, 42f);
      ref.apply(x, 3, want, 2, n);
      simd.apply(x, 3, got, 2, n);
      compare(op, bound, Arrays.copyOfRange(x, 3, n + 3), want, got, 2, n);
      // Nothing outside the run is written.
      assertEquals(42f, got[0]);
      assertEquals(42f, got[1]);
      assertEquals(42f, got[n + 2]);
    }
    // A sweep over every binade: 2^16 bit patterns evenly spaced over all floats.
    int m = 1 << 16;
    float[] x = new float[m];
    for (int i = 0; i < m; i++) {
      x[i] = Float.intBitsToFloat(i * (1 << 16) + 12345);
    }
    float[] want = new float[m];
    float[] got = new float[m];
    ref.apply(x, 0, want, 0, m);
    simd.apply(x, 0, got, 0, m);
    compare(op, bound, x, want, got, 0, m);
  }

  @ParameterizedTest
  @MethodSource("binaryOps")
  void binaryKernelIsBitIdenticalToReference(String op) {
    FloatBinaryKernel ref = Float32Kernels.binary(op, false);
    FloatBinaryKernel simd = Float32Kernels.binary(op, true);
    int[][] steps = {{1, 1}, {1, 0}, {0, 1}, {0, 0}};
    for (int n : sizes()) {
      float[] a = inputs(op.hashCode() + n, n + 1);
      float[] b = inputs(op.hashCode() - n, n + 2);
      for (int[] s : steps) {
        float[] want = new float[n + 1];
        float[] got = new float[n + 1];
        ref.apply(a, 1, s[0], b, 2, s[1], want, 1, n);
        simd.apply(a, 1, s[0], b, 2, s[1], got, 1, n);
        for (int i = 1; i <= n; i++) {
          if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
            fail(
                op
                    + " steps "
                    + Arrays.toString(s)
                    + " n="
                    + n
                    + " at "
                    + (i - 1)
                    + ": "
                    + a[1 + (i - 1) * s[0]]
                    + ", "
                    + b[2 + (i - 1) * s[1]]
                    + " -> expected "
                    + want[i]
                    + ", got "
                    + got[i]);
          }
        }
      }
    }
  }

  @Test
  void whereIsBitIdenticalToTheScalarLoop() {
    int[][] steps = {{1, 1, 1}, {1, 0, 1}, {1, 1, 0}, {1, 0, 0}, {0, 1, 1}};
    for (int n : sizes()) {
      Random r = new Random(n);
      byte[] c = new byte[n + 1];
      for (int i = 0; i < c.length; i++) {
        c[i] = (byte) (r.nextInt(3) == 0 ? 0 : r.nextInt(3)); // any nonzero byte is true
      }
      float[] a = inputs(n, n + 2);
      float[] b = inputs(-n, n + 2);
      for (int[] s : steps) {
        float[] want = new float[n];
        float[] got = new float[n];
        Float32Kernels.where(false, c, 1, s[0], a, 2, s[1], b, 1, s[2], want, 0, n);
        Float32Kernels.where(true, c, 1, s[0], a, 2, s[1], b, 1, s[2], got, 0, n);
        for (int i = 0; i < n; i++) {
          assertEquals(
              Float.floatToRawIntBits(want[i]),
              Float.floatToRawIntBits(got[i]),
              "where steps " + Arrays.toString(s) + " n=" + n + " at " + i);
        }
      }
    }
  }

  @Test
  void kernelsWorkInPlace() {
    for (String op : new String[] {"Exp", "Relu", "Gelu"}) {
      float[] x = inputs(7, 1000);
      float[] want = new float[1000];
      Float32Kernels.unary(op, true).apply(x, 0, want, 0, 1000);
      Float32Kernels.unary(op, true).apply(x, 0, x, 0, 1000);
      assertArrayEquals(want, x, op);
    }
    float[] a = inputs(8, 100);
    float[] want = new float[100];
    Float32Kernels.binary("Add", true).apply(a, 0, 1, a, 0, 0, want, 0, 100);
    Float32Kernels.binary("Add", true).apply(a, 0, 1, a, 0, 0, a, 0, 100);
    assertArrayEquals(want, a);
  }

  /**
   * The kernels use arithmetic only, so the interpreter, C1 and C2 give the same bits (a vector
   * math library call would change results once C2 compiles the loop).
   */
  @Test
  void resultsDoNotChangeWhenTheJitCompilesTheKernel() {
    for (String op : new String[] {"Tanh", "Erf"}) {
      FloatUnaryKernel k = Float32Kernels.unary(op, true);
      float[] x = inputs(99, 257);
      float[] first = new float[257];
      k.apply(x, 0, first, 0, 257);
      float[] later = new float[257];
      for (int i = 0; i < 6000; i++) {
        k.apply(x, 0, later, 0, 257);
      }
      assertArrayEquals(first, later, op);
    }
  }

  private static int[] sizes() {
    return IntStream.of(0, 1, 2, L - 1, L, L + 1, 2 * L - 1, 2 * L + 1, 3 * L + 5, 17, 127, 1000)
        .filter(n -> n >= 0)
        .distinct()
        .toArray();
  }

  /** Special values first, then a mix of ranges: all floats, around 0, the tails, tiny values. */
  static float[] inputs(long seed, int n) {
    Random r = new Random(seed);
    float[] x = new float[n];
    int start = (int) Math.floorMod(seed, SPECIAL.length);
    for (int i = 0; i < n; i++) {
      x[i] =
          i < SPECIAL.length
              ? SPECIAL[(start + i) % SPECIAL.length]
              : switch (r.nextInt(6)) {
                case 0 -> Float.intBitsToFloat(r.nextInt());
                case 1 -> (float) (r.nextGaussian() * 3);
                case 2 -> (float) ((r.nextDouble() - 0.5) * 240);
                case 3 -> (float) ((r.nextDouble() - 0.5) * 2e-3);
                case 4 -> (float) ((r.nextBoolean() ? 1 : -1) * (80 + r.nextDouble() * 30));
                default -> (float) ((r.nextDouble() - 0.5) * 40);
              };
    }
    return x;
  }

  private static void compare(
      String op, int bound, float[] x, float[] want, float[] got, int off, int n) {
    for (int i = 0; i < n; i++) {
      float w = want[off + i];
      float g = got[off + i];
      boolean ok;
      if (Float.isNaN(w) || Float.isNaN(g)) {
        ok = Float.isNaN(w) && Float.isNaN(g);
      } else if (op.equals("SiLU") && x[i] < SIGMOID_SUBNORMAL) {
        // x times a subnormal sigmoid: the sigmoid's 2-unit error, scaled by |x|.
        ok = Math.abs((double) w - g) <= 2 * Math.abs(x[i]) * Float.MIN_VALUE;
      } else if (bound == 0 || (w == 0 && g == 0)) {
        ok = Float.floatToIntBits(w) == Float.floatToIntBits(g); // signed zeros too
      } else {
        ok = ulps(w, g) <= bound;
      }
      if (!ok) {
        fail(
            op
                + "("
                + x[i]
                + ") = "
                + w
                + " expected, got "
                + g
                + " ("
                + (Float.isNaN(w) || Float.isNaN(g) ? "NaN mismatch" : ulps(w, g) + " ulps")
                + ", bound "
                + bound
                + ", n="
                + n
                + ")");
      }
    }
    assertTrue(n >= 0);
  }

  /** Distance in representable floats (±0 count as one point). */
  private static long ulps(float a, float b) {
    return Math.abs(ordinal(a) - ordinal(b));
  }

  private static long ordinal(float f) {
    int bits = Float.floatToRawIntBits(f);
    return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
  }
}
