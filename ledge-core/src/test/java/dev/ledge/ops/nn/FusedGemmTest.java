package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.FusedOpsTesting.ACTIVATIONS;
import static dev.ledge.ops.nn.FusedOpsTesting.OPSET;
import static dev.ledge.ops.nn.FusedOpsTesting.activation;
import static dev.ledge.ops.nn.FusedOpsTesting.assertFusedMatches;
import static dev.ledge.ops.nn.FusedOpsTesting.withLedgeNode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.ModelDef;
import dev.ledge.ops.nn.FusedOpsTesting.Activation;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code dev.ledge.FusedGemm} against Gemm (or MatMul + Add for a batched A) followed by the
 * activation's own nodes, for every activation: transposes, alpha and beta, each broadcast of C,
 * one or two rows (the GEMM's row-streaming path), odd sizes (edge tiles), an empty inner dim, and
 * a size that runs on 2 threads. Runs the kernels of this JVM: SIMD by default, the reference ones
 * with {@code -Dledge.kernels=scalar}.
 */
class FusedGemmTest {
  /** One Gemm: A' is m x k, B' is k x n; C's shape, or null for none. */
  private record Case(
      int m, int k, int n, boolean transA, boolean transB, float alpha, float beta, int[] c) {
    @Override
    public String toString() {
      return m
          + "x"
          + k
          + "x"
          + n
          + (transA ? " transA" : "")
          + (transB ? " transB" : "")
          + " alpha="
          + alpha
          + " beta="
          + beta
          + " C="
          + (c == null ? "none" : Arrays.toString(c));
    }
  }

  private static final List<Case> CASES =
      List.of(
          new Case(1, 7, 13, false, false, 1f, 1f, new int[] {13}),
          new Case(2, 33, 17, false, true, 0.5f, 2f, new int[] {2, 17}),
          new Case(5, 9, 3, true, false, 1f, 1f, new int[] {5, 1}),
          new Case(37, 45, 29, true, true, -1.25f, 0.75f, new int[] {}),
          new Case(19, 300, 11, false, false, 1f, 0f, new int[] {19, 11}),
          new Case(4, 0, 6, false, false, 1f, 1f, new int[] {1, 6}),
          new Case(9, 5, 7, false, false, 1f, 1f, null),
          new Case(130, 140, 150, false, true, 1f, 1f, new int[] {150}));

  @Test
  void everyActivationMatchesGemmThenTheActivation() {
    for (Case c : CASES) {
      Random r = new Random(c.toString().hashCode());
      // Products of a few units: the interesting range of every activation.
      Tensor a = random(r, 1, c.transA() ? new int[] {c.k(), c.m()} : new int[] {c.m(), c.k()});
      Tensor b =
          random(
              r,
              6 / Math.sqrt(Math.max(1, c.k())),
              c.transB() ? new int[] {c.n(), c.k()} : new int[] {c.k(), c.n()});
      Map<String, Tensor> feed = Map.of("a", a);
      Map<String, Attribute> attrs = new LinkedHashMap<>();
      attrs.put("transA", Attribute.of("transA", c.transA() ? 1L : 0L));
      attrs.put("transB", Attribute.of("transB", c.transB() ? 1L : 0L));
      attrs.put("alpha", Attribute.of("alpha", c.alpha()));
      attrs.put("beta", Attribute.of("beta", c.beta()));
      List<String> inputs = new ArrayList<>(List.of("a", "b"));
      Tensor cValue = c.c() == null ? null : random(r, 2, c.c());
      if (cValue != null) {
        inputs.add("c");
      }
      for (Activation act : ACTIVATIONS) {
        ModelBuilder u =
            start(a, b, cValue)
                .node(
                    "Gemm",
                    inputs,
                    List.of("g"),
                    "transA",
                    c.transA() ? 1L : 0L,
                    "transB",
                    c.transB() ? 1L : 0L,
                    "alpha",
                    c.alpha(),
                    "beta",
                    c.beta());
        ModelDef before = activation(u, act, "g", "y").output("y").build();
        ModelDef after = withLedgeNode(start(a, b, cValue), "FusedGemm", inputs, attrs, act, "y");
        assertFusedMatches(before, after, feed, true, act + ", " + c);
      }
    }
  }

  @Test
  void batchedAMatchesMatMulAddThenTheActivation() {
    Random r = new Random(3);
    for (int[] shape : new int[][] {{2, 3, 9}, {1, 1, 5}, {3, 2, 1, 17}, {4, 40, 64}}) {
      int k = shape[shape.length - 1];
      int n = 11 + shape.length;
      Tensor x = random(r, 1, shape);
      Tensor w = random(r, 6 / Math.sqrt(k), k, n);
      Tensor bias = random(r, 1, n);
      for (Activation act : ACTIVATIONS) {
        ModelBuilder u =
            new ModelBuilder(OPSET)
                .input("a", DType.FLOAT32, longs(shape))
                .initializer("b", w)
                .initializer("c", bias)
                .node("MatMul", List.of("a", "b"), List.of("mm"))
                .node("Add", List.of("mm", "c"), List.of("h"));
        ModelDef before = activation(u, act, "h", "y").output("y").build();
        ModelDef after =
            withLedgeNode(
                new ModelBuilder(OPSET)
                    .input("a", DType.FLOAT32, longs(shape))
                    .initializer("b", w)
                    .initializer("c", bias),
                "FusedGemm",
                List.of("a", "b", "c"),
                Map.of(),
                act,
                "y");
        assertFusedMatches(
            before, after, Map.of("a", x), false, act + ", A " + Arrays.toString(shape));
        int[] want = Arrays.copyOf(shape, shape.length);
        want[shape.length - 1] = n;
        assertArrayEquals(want, shapeOfY(after, Map.of("a", x)));
      }
    }
  }

  @Test
  void float64UsesTheActivationInDouble() {
    Tensor a = Tensor.wrap(new double[] {0.5, -2, 3, -40}, 2, 2);
    Tensor b = Tensor.wrap(new double[] {1, 0, 0, 1}, 2, 2);
    ModelDef fused =
        withLedgeNode(
            new ModelBuilder(OPSET).input("a", DType.FLOAT64, 2, 2).initializer("b", b),
            "FusedGemm",
            List.of("a", "b"),
            Map.of(),
            new Activation("SiLU"),
            "y");
    try (Session s =
        Model.of(fused)
            .newSession(
                SessionOptions.defaults()
                    .optimizationLevel(SessionOptions.OptimizationLevel.NONE))) {
      Tensor y = s.run(Map.of("a", a)).get("y");
      for (int i = 0; i < 4; i++) {
        double v = a.getDouble(i);
        assertEquals(v / (1 + Math.exp(-v)), y.getDouble(i), 1e-15 * (1 + Math.abs(v)));
      }
    }
  }

  private static ModelBuilder start(Tensor a, Tensor b, Tensor c) {
    ModelBuilder m = new ModelBuilder(OPSET).input("a", DType.FLOAT32, longs(a.shape()));
    m.initializer("b", b);
    if (c != null) {
      m.initializer("c", c);
    }
    return m;
  }

  private static int[] shapeOfY(ModelDef def, Map<String, Tensor> feed) {
    try (Session s =
        Model.of(def)
            .newSession(
                SessionOptions.defaults()
                    .optimizationLevel(SessionOptions.OptimizationLevel.NONE))) {
      return s.run(feed).get("y").shape();
    }
  }

  private static Tensor random(Random r, double scale, int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    float[] d = t.floats();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) ((r.nextFloat() * 2 - 1) * scale);
    }
    return t;
  }

  private static long[] longs(int[] s) {
    long[] l = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      l[i] = s[i];
    }
    return l;
  }
}
