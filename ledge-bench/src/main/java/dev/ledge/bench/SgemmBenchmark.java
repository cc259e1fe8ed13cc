package dev.ledge.bench;

import dev.ledge.kernels.VectorGemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** SGEMM C = A * B on one thread: square sizes and the skinny shapes of real layers. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SgemmBenchmark {
  /** MxNxK. */
  @Param({
    "64x64x64",
    "128x128x128",
    "256x256x256",
    "512x512x512",
    "1024x1024x1024",
    "1x1000x2048",
    "64x3136x147",
    "128x784x1152",
    "2048x49x512"
  })
  public String shape;

  int m;
  int n;
  int k;
  float[] a;
  float[] b;
  float[] c;

  @Setup
  public void setup() {
    String[] p = shape.split("x");
    m = Integer.parseInt(p[0]);
    n = Integer.parseInt(p[1]);
    k = Integer.parseInt(p[2]);
    Random r = new Random(1);
    a = new float[m * k];
    b = new float[k * n];
    c = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextFloat() - 0.5f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextFloat() - 0.5f;
    }
  }

  /** Floating-point operations of one call (2mnk). */
  static double flops(String shape) {
    String[] p = shape.split("x");
    return 2.0 * Long.parseLong(p[0]) * Long.parseLong(p[1]) * Long.parseLong(p[2]);
  }

  @Benchmark
  public float[] vector() {
    VectorGemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
    return c;
  }
}
