package dev.ledge.runtime;

import static dev.ledge.testing.GraphFixtures.anyTensor;
import static dev.ledge.testing.GraphFixtures.graph;
import static dev.ledge.testing.GraphFixtures.node;
import static dev.ledge.testing.GraphFixtures.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import dev.ledge.testing.TestData;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The memory planner: shared buffers and in-place kernels give bit-identical results to a session
 * where every value has its own buffer, across repeated runs and shape changes, with control flow;
 * and a steady run into caller-provided outputs allocates nothing.
 */
class MemoryPlanTest {
  private static final SessionOptions SHARED =
      SessionOptions.defaults().shareBuffers(true).poisonBuffers(true);
  private static final SessionOptions UNSHARED = SessionOptions.defaults().shareBuffers(false);

  private static Tensor random(Random rnd, int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setFloat(i, (float) rnd.nextGaussian());
    }
    return t;
  }

  /**
   * A small residual conv net: conv, relu, a residual add, max pool, a reshape (a view), gemm,
   * sigmoid; one intermediate is also a graph output and is read afterwards.
   */
  static ModelDef convNet() {
    Random rnd = new Random(1);
    return new ModelBuilder(17)
        .input("x", DType.FLOAT32, -1, 3, 8, 8)
        .initializer("w1", random(rnd, 4, 3, 3, 3))
        .initializer("b1", random(rnd, 4))
        .initializer("w2", random(rnd, 4, 4, 3, 3))
        .initializer("w3", random(rnd, 4, 4, 1, 1))
        .initializer("fc", random(rnd, 64, 5))
        .initializer("bias", random(rnd, 5))
        .initializer("shape", Tensor.ofLongs(-1, 64))
        .initializer("half", Tensor.scalar(0.5f))
        .node(
            "Conv",
            List.of("x", "w1", "b1"),
            List.of("c1"),
            "kernel_shape",
            new long[] {3, 3},
            "pads",
            new long[] {1, 1, 1, 1})
        .node("Relu", "c1", "r1")
        .node(
            "Conv",
            List.of("r1", "w2"),
            List.of("c2"),
            "kernel_shape",
            new long[] {3, 3},
            "pads",
            new long[] {1, 1, 1, 1})
        .node("Conv", List.of("r1", "w3"), List.of("c3"), "kernel_shape", new long[] {1, 1})
        .node("Add", List.of("c2", "c3"), List.of("sum"))
        .node("Mul", List.of("sum", "half"), List.of("scaled"))
        .node("Relu", "scaled", "r2")
        .node(
            "MaxPool",
            List.of("r2"),
            List.of("p"),
            "kernel_shape",
            new long[] {2, 2},
            "strides",
            new long[] {2, 2})
        .node("Reshape", List.of("p", "shape"), List.of("flat"))
        .node("Gemm", List.of("flat", "fc", "bias"), List.of("logits"))
        .node("Sigmoid", "logits", "prob")
        .node("Tanh", "r1", "t1")
        .node("Mul", List.of("prob", "prob"), List.of("sq"))
        .output("sq")
        .output("r1")
        .output("t1")
        .build();
  }

  /** If and Loop whose bodies read values of the enclosing graph, with work before and after. */
  static ModelDef controlFlow() {
    Graph thenBranch =
        graph(
            List.of(),
            List.of(
                node("Relu", List.of("a"), List.of("ta")),
                node("Mul", List.of("ta", "a"), List.of("tb"))),
            List.of(anyTensor("tb", DType.FLOAT32)));
    Graph elseBranch =
        graph(
            List.of(),
            List.of(node("Neg", List.of("a"), List.of("ea"))),
            List.of(anyTensor("ea", DType.FLOAT32)));
    Graph body =
        graph(
            List.of(
                tensor("i", DType.INT64),
                tensor("c_in", DType.BOOL),
                anyTensor("acc_in", DType.FLOAT32)),
            List.of(
                node("Identity", List.of("c_in"), List.of("c_out")),
                node("Add", List.of("acc_in", "b"), List.of("s")),
                node("Sigmoid", List.of("s"), List.of("acc_out")),
                node("Exp", List.of("s"), List.of("scan"))),
            List.of(
                tensor("c_out", DType.BOOL),
                anyTensor("acc_out", DType.FLOAT32),
                anyTensor("scan", DType.FLOAT32)));
    Graph main =
        graph(
            List.of(
                tensor("x", DType.FLOAT32, 2, 3),
                tensor("c", DType.BOOL),
                tensor("n", DType.INT64),
                tensor("go", DType.BOOL)),
            List.of(
                node("Abs", List.of("x"), List.of("a")),
                node("Sin", List.of("x"), List.of("b")),
                node(
                    "If",
                    List.of("c"),
                    List.of("f"),
                    Attribute.of("then_branch", thenBranch),
                    Attribute.of("else_branch", elseBranch)),
                node("Add", List.of("f", "b"), List.of("g")),
                node("Loop", List.of("n", "go", "g"), List.of("acc", "scans"), body(body)),
                node("Relu", List.of("acc"), List.of("h")),
                node("Mul", List.of("h", "a"), List.of("y"))),
            List.of(anyTensor("y", DType.FLOAT32), anyTensor("scans", DType.FLOAT32)));
    ModelDef def = new ModelDef(main);
    def.setIrVersion(8);
    def.opsetImports().put("", 17L);
    return def;
  }

  private static Attribute body(Graph g) {
    return Attribute.of("body", g);
  }

  private static Tensor bool(boolean v) {
    Tensor t = Tensor.allocate(DType.BOOL, new int[0]);
    t.setBoolean(0, v);
    return t;
  }

  private static void assertSameOutputs(Map<String, Tensor> expected, Map<String, Tensor> got) {
    assertEquals(expected.keySet(), got.keySet());
    for (String k : expected.keySet()) {
      assertArrayEquals(expected.get(k).shape(), got.get(k).shape(), k);
      assertArrayEquals(expected.get(k).toFloatArray(), got.get(k).toFloatArray(), k);
    }
  }

  /**
   * Runs every feed several times (interleaved, so buffers are reused across shapes) in a shared,
   * poisoned session, through both run APIs, and compares each result bit for bit with a session
   * whose values all have their own buffers.
   */
  private static void assertSharingChangesNothing(Model model, List<Map<String, Tensor>> feeds) {
    try (Session shared = model.newSession(SHARED);
        Session unshared = model.newSession(UNSHARED)) {
      for (int round = 0; round < 3; round++) {
        for (Map<String, Tensor> feed : feeds) {
          Map<String, Tensor> expected = unshared.run(feed);
          assertSameOutputs(expected, shared.run(feed));
          Map<String, Tensor> into = new LinkedHashMap<>();
          expected.forEach((k, v) -> into.put(k, Tensor.allocate(v.dtype(), v.shape())));
          shared.run(feed, into);
          assertSameOutputs(expected, into);
        }
      }
      try (Session fresh = model.newSession()) {
        assertSameOutputs(fresh.run(feeds.getFirst()), shared.run(feeds.getFirst()));
      }
      MemoryStats stats = shared.memoryStats();
      assertTrue(
          stats.arenaBytes() < unshared.memoryStats().arenaBytes(),
          stats + " vs unshared " + unshared.memoryStats());
    }
  }

  @Test
  void convNetGivesTheSameResultsWithSharedBuffers() {
    Random rnd = new Random(2);
    Model m = Model.of(convNet());
    assertSharingChangesNothing(
        m,
        List.of(
            Map.of("x", random(rnd, 1, 3, 8, 8)),
            Map.of("x", random(rnd, 3, 3, 8, 8)),
            Map.of("x", random(rnd, 1, 3, 8, 8))));
  }

  @Test
  void controlFlowGivesTheSameResultsWithSharedBuffers() {
    Random rnd = new Random(3);
    Model m = Model.of(controlFlow());
    Tensor x = random(rnd, 2, 3);
    assertSharingChangesNothing(
        m,
        List.of(
            Map.of("x", x, "c", bool(true), "n", Tensor.scalar(3L), "go", bool(true)),
            Map.of("x", x, "c", bool(false), "n", Tensor.scalar(2L), "go", bool(true)),
            Map.of(
                "x",
                random(rnd, 2, 3),
                "c",
                bool(true),
                "n",
                Tensor.scalar(1L),
                "go",
                bool(true))));
  }

  @TestFactory
  List<DynamicTest> lightModelsGiveTheSameResultsWithSharedBuffers() throws Exception {
    Path dir = TestData.shared("onnx-tests/light");
    return List.of("squeezenet", "shufflenet").stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> {
                      Model m = Model.load(dir.resolve("light_" + name + ".onnx"));
                      var in = m.inputs().getFirst();
                      var shape = ((dev.ledge.graph.ValueType.TensorType) in.type()).shape();
                      assertSharingChangesNothing(
                          m,
                          List.of(Map.of(in.name(), random(new Random(4), shape.toIntsOrNull()))));
                    }))
        .toList();
  }

  /** {@code u = op(Abs(x), ...)}: Abs's buffer is free to overwrite, so op runs in place. */
  private static ModelDef elementwise(String op, List<String> inputs, Object... attrs) {
    return new ModelBuilder(17)
        .input("x", DType.FLOAT32, 3, 37)
        .input("other", DType.FLOAT32, 1, 37)
        .input("cond", DType.BOOL, 3, 37)
        .node("Abs", "x", "t")
        .node(op, inputs, List.of("u"), attrs)
        .node("Neg", "u", "y")
        .output("y")
        .build();
  }

  @Test
  void elementwiseOperatorsComputeInPlace() {
    Map<String, ModelDef> cases = new LinkedHashMap<>();
    for (String op :
        List.of("Relu", "Sigmoid", "Exp", "Log", "Tanh", "Sqrt", "Neg", "Erf", "Softplus", "Cos")) {
      cases.put(op, elementwise(op, List.of("t")));
    }
    cases.put("LeakyRelu", elementwise("LeakyRelu", List.of("t"), "alpha", 0.3f));
    cases.put("Clip", elementwise("Clip", List.of("t"), "min", 0.2f, "max", 0.9f));
    for (String op : List.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Sum")) {
      cases.put(op + "(t, other)", elementwise(op, List.of("t", "other")));
      cases.put(op + "(other, t)", elementwise(op, List.of("other", "t")));
    }
    cases.put("Where(c, t, other)", elementwise("Where", List.of("cond", "t", "other")));
    cases.put("Where(c, other, t)", elementwise("Where", List.of("cond", "other", "t")));
    Random rnd = new Random(5);
    Tensor cond = Tensor.allocate(DType.BOOL, 3, 37);
    for (int i = 0; i < cond.size(); i++) {
      cond.setBoolean(i, rnd.nextBoolean());
    }
    Map<String, Tensor> feed =
        Map.of("x", random(rnd, 3, 37), "other", random(rnd, 1, 37), "cond", cond);
    cases.forEach(
        (name, def) -> {
          Model m = Model.of(def);
          try (Session shared = m.newSession(SHARED);
              Session unshared = m.newSession(UNSHARED)) {
            Map<String, Tensor> expected = unshared.run(feed);
            for (int i = 0; i < 3; i++) {
              assertSameOutputs(expected, shared.run(feed));
            }
            // Sum and Max may overwrite only their first input, here the broadcast 'other'.
            if (!name.equals("Sum(other, t)") && !name.equals("Max(other, t)")) {
              assertEquals(1, shared.memoryStats().buffers(), name + " did not run in place");
            }
          }
        });
  }

  @Test
  void valuesReadLaterAreNotOverwritten() {
    // t is read by Relu and again by Add; the view v keeps t's buffer alive after t's last read.
    ModelDef def =
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 2, 4)
            .initializer("shape", Tensor.ofLongs(4, 2))
            .node("Neg", "x", "t")
            .node("Relu", "t", "r")
            .node("Add", List.of("r", "t"), List.of("s"))
            .node("Reshape", List.of("s", "shape"), List.of("v"))
            .node("Exp", "s", "e")
            .node("Sigmoid", "e", "g")
            .node("Abs", "g", "k")
            .node("Reshape", List.of("k", "shape"), List.of("kv"))
            .node("Sub", List.of("kv", "v"), List.of("y"))
            .output("y")
            .build();
    float[] x = {1, -2, 3, -4, 0.5f, -0.25f, 7, -8};
    float[] want = new float[8];
    for (int i = 0; i < 8; i++) {
      float t = -x[i];
      float s = Math.max(t, 0) + t;
      float g = (float) (1 / (1 + Math.exp(-Math.exp(s))));
      want[i] = Math.abs(g) - s;
    }
    try (Session s = Model.of(def).newSession(SHARED)) {
      for (int i = 0; i < 3; i++) {
        Tensor y = s.run(Map.of("x", Tensor.wrap(x.clone(), 2, 4))).get("y");
        assertArrayEquals(want, y.toFloatArray(), 1e-6f);
      }
    }
  }

  /** {@code y = Add(If(c, Relu(a) * a, -a), Sin(x))} with {@code a = Abs(x)}. */
  static ModelDef ifNet() {
    Graph thenBranch =
        graph(
            List.of(),
            List.of(
                node("Relu", List.of("a"), List.of("ta")),
                node("Mul", List.of("ta", "a"), List.of("tb"))),
            List.of(anyTensor("tb", DType.FLOAT32)));
    Graph elseBranch =
        graph(
            List.of(),
            List.of(node("Neg", List.of("a"), List.of("ea"))),
            List.of(anyTensor("ea", DType.FLOAT32)));
    Graph main =
        graph(
            List.of(tensor("x", DType.FLOAT32, 4, 16), tensor("c", DType.BOOL)),
            List.of(
                node("Abs", List.of("x"), List.of("a")),
                node("Sin", List.of("x"), List.of("b")),
                node(
                    "If",
                    List.of("c"),
                    List.of("f"),
                    Attribute.of("then_branch", thenBranch),
                    Attribute.of("else_branch", elseBranch)),
                node("Add", List.of("f", "b"), List.of("y"))),
            List.of(anyTensor("y", DType.FLOAT32)));
    ModelDef def = new ModelDef(main);
    def.setIrVersion(8);
    def.opsetImports().put("", 17L);
    return def;
  }

  /** The least bytes this thread allocated in one of {@code runs} calls. */
  private static long minAllocated(Runnable run, int runs) {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long min = Long.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long b0 = mx.getCurrentThreadAllocatedBytes();
      run.run();
      min = Math.min(min, mx.getCurrentThreadAllocatedBytes() - b0);
    }
    return min;
  }

  /**
   * Runs into the caller's output tensors until the JIT has compiled the kernels (interpreted
   * Vector API code boxes its vectors), then expects a run that allocates nothing at all.
   */
  private static void assertSteadyRunsAllocateNothing(Model model, Map<String, Tensor> feed) {
    try (Session s = model.newSession()) {
      Map<String, Tensor> into = new LinkedHashMap<>();
      s.run(feed).forEach((k, v) -> into.put(k, Tensor.allocate(v.dtype(), v.shape())));
      Runnable run = () -> s.run(feed, into);
      // C2 may take a while to get to every kernel (two shared cores): allow up to 20 s.
      long deadline = System.nanoTime() + 20_000_000_000L;
      long min = minAllocated(run, 500);
      while (min > 0 && System.nanoTime() < deadline) {
        min = minAllocated(run, 500);
      }
      assertEquals(0, min, "bytes allocated by the cheapest steady run");
    }
  }

  @Test
  void steadyRunsIntoOutputsAllocateNothing() {
    Random rnd = new Random(6);
    assertSteadyRunsAllocateNothing(Model.of(convNet()), Map.of("x", random(rnd, 1, 3, 8, 8)));
    assertSteadyRunsAllocateNothing(
        Model.of(ifNet()), Map.of("x", random(rnd, 4, 16), "c", bool(true)));
  }
}
