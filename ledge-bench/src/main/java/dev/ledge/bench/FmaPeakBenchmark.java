package dev.ledge.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's measured fp32 FMA peak: 16 independent FMA chains at the preferred vector width, long
 * enough to hide latency on any current core. SGEMM results are reported as a fraction of this.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FmaPeakBenchmark {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Loop trips per call; each trip does 16 vector FMAs. */
  static final int TRIPS = 100_000;

  /** Floating-point operations of one call. */
  static double flops() {
    return 2.0 * 16 * S.length() * TRIPS;
  }

  float seed = 1f;

  @Benchmark
  public float fma() {
    FloatVector m = FloatVector.broadcast(S, 0.9999999f);
    FloatVector d = FloatVector.broadcast(S, 1e-7f);
    FloatVector x0 = FloatVector.broadcast(S, seed), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0;
    FloatVector x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0, x12 = x0, x13 = x0;
    FloatVector x14 = x0, x15 = x0;
    for (int i = 0; i < TRIPS; i++) {
      x0 = x0.fma(m, d);
      x1 = x1.fma(m, d);
      x2 = x2.fma(m, d);
      x3 = x3.fma(m, d);
      x4 = x4.fma(m, d);
      x5 = x5.fma(m, d);
      x6 = x6.fma(m, d);
      x7 = x7.fma(m, d);
      x8 = x8.fma(m, d);
      x9 = x9.fma(m, d);
      x10 = x10.fma(m, d);
      x11 = x11.fma(m, d);
      x12 = x12.fma(m, d);
      x13 = x13.fma(m, d);
      x14 = x14.fma(m, d);
      x15 = x15.fma(m, d);
    }
    return x0.add(x1)
        .add(x2)
        .add(x3)
        .add(x4)
        .add(x5)
        .add(x6)
        .add(x7)
        .add(x8)
        .add(x9)
        .add(x10)
        .add(x11)
        .add(x12)
        .add(x13)
        .add(x14)
        .add(x15)
        .reduceLanes(VectorOperators.ADD);
  }
}
