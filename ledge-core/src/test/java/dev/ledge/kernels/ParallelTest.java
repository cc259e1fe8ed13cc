package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void everyPartRunsExactlyOnce() {
    for (int threads : new int[] {1, 2, 3, 8}) {
      for (int parts : new int[] {0, 1, 2, 7, 100}) {
        AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(parts, 1));
        Parallel.forEach(threads, parts, p -> seen.incrementAndGet(p));
        for (int p = 0; p < parts; p++) {
          assertEquals(1, seen.get(p), "threads " + threads + " part " + p);
        }
      }
    }
  }

  @Test
  void exceptionsReachTheCaller() {
    assertThrows(
        IllegalStateException.class,
        () ->
            Parallel.forEach(
                2,
                4,
                p -> {
                  if (p == 3) {
                    throw new IllegalStateException("part 3");
                  }
                }));
  }

  @Test
  void parallelGemmIsBitIdenticalToSingleThreaded() {
    Random r = new Random(3);
    int m = 70, n = 300, k = 200;
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextFloat() - 0.5f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextFloat() - 0.5f;
    }
    float[] c1 = new float[m * n];
    float[] c2 = new float[m * n];
    Gemm.sgemm(1, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c1, 0, n);
    Gemm.sgemm(3, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c2, 0, n);
    assertArrayEquals(c1, c2);
  }

  @Test
  void convModelGivesTheSameResultOnOneAndTwoThreads() {
    Random r = new Random(5);
    float[] w = new float[32 * 16 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextFloat() - 0.5f;
    }
    ModelDef def =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 1, 16, 40, 40)
            .initializer("w", Tensor.wrap(w, 32, 16, 3, 3))
            .node("Conv", List.of("x", "w"), List.of("y"), "pads", new long[] {1, 1, 1, 1})
            .node("Relu", "y", "z")
            .output("z")
            .build();
    float[] x = new float[16 * 40 * 40];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    Model m = Model.of(def);
    float[] one;
    float[] two;
    try (Session s = m.newSession(SessionOptions.defaults().threads(1))) {
      one = s.run(Map.of("x", Tensor.wrap(x, 1, 16, 40, 40))).get("z").floats();
    }
    try (Session s = m.newSession(SessionOptions.defaults().threads(2))) {
      two = s.run(Map.of("x", Tensor.wrap(x, 1, 16, 40, 40))).get("z").floats();
    }
    assertArrayEquals(one, two);
  }
}
