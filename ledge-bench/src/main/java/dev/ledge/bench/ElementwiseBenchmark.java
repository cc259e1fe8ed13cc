package dev.ledge.bench;

import dev.ledge.kernels.FloatBinaryKernel;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.ops.math.Float32Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Float32 elementwise kernels on one thread, the scalar reference kernel against the SIMD one, at
 * 1K, 64K and 1M elements. Binary kernels run on equal shapes ("Add") and with a broadcast scalar
 * ("Add_scalar"); Where picks from two tensors by a random condition. Setup runs the kernel on 1K
 * elements for a second (and at least 10,000 times) before the 2 s warmup iterations, so that C2
 * has compiled it even on a loaded machine: until then the Vector API boxes every vector (a hundred
 * times slower), which would otherwise leak into the results.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class ElementwiseBenchmark {
  @Param({
    "Add",
    "Add_scalar",
    "Mul",
    "Div",
    "Max",
    "Where",
    "Relu",
    "LeakyRelu",
    "Clip",
    "Abs",
    "Sqrt",
    "HardSigmoid",
    "HardSwish",
    "Exp",
    "Log",
    "Tanh",
    "Sigmoid",
    "Softplus",
    "Elu",
    "Erf",
    "Gelu",
    "GeluTanh",
    "Swish"
  })
  public String op;

  @Param({"1024", "65536", "1048576"})
  public int size;

  @Param({"scalar", "simd"})
  public String kernel;

  float[] x;
  float[] y;
  float[] z;
  byte[] cond;
  FloatUnaryKernel unary;
  FloatBinaryKernel binary;
  boolean simd;
  boolean scalarOperand;

  @Setup
  public void setup() {
    Random r = new Random(1);
    x = new float[size];
    y = new float[size];
    z = new float[size];
    cond = new byte[size];
    for (int i = 0; i < size; i++) {
      // Mostly within the interesting range of the activations, some far out in the tails.
      x[i] = (float) (r.nextGaussian() * 3);
      y[i] = (float) (r.nextGaussian() * 3 + 10);
      cond[i] = (byte) (r.nextBoolean() ? 1 : 0);
    }
    if (op.equals("Log") || op.equals("Sqrt")) {
      for (int i = 0; i < size; i++) {
        x[i] = Math.abs(x[i]);
      }
    }
    simd = kernel.equals("simd");
    String name = op.replace("_scalar", "");
    scalarOperand = op.endsWith("_scalar");
    if (Float32Kernels.BINARY.contains(name)) {
      binary = Float32Kernels.binary(name, simd);
    } else if (!name.equals("Where")) {
      unary = Float32Kernels.unary(name, simd);
    }
    long until = System.nanoTime() + 1_000_000_000L;
    for (int i = 0; i < 10_000 || System.nanoTime() < until; i++) {
      apply(Math.min(size, 1024));
    }
  }

  @Benchmark
  public float[] run() {
    apply(size);
    return z;
  }

  /**
   * Not inlined into the JMH loop, as in the runtime, where each operator reaches its kernel
   * through a call site shared by all operators: the kernel compiles as its own C2 root, within
   * C2's node budget. Inlined into a large caller it can exceed the budget and box its vectors.
   */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private void apply(int n) {
    if (unary != null) {
      unary.apply(x, 0, z, 0, n);
    } else if (binary != null) {
      binary.apply(x, 0, 1, y, 0, scalarOperand ? 0 : 1, z, 0, n);
    } else {
      Float32Kernels.where(simd, cond, 0, 1, x, 0, 1, y, 0, 1, z, 0, n);
    }
  }
}
