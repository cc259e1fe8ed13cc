package dev.ledge.ops.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Behaviour of the attention ops that the ONNX conformance data does not cover. */
class AttentionOpsTest {
  private static Map<String, Tensor> run(ModelDef def, Map<String, Tensor> inputs) {
    try (Session s = Model.of(def).newSession()) {
      return s.run(inputs);
    }
  }

  private static void assertMessage(Executable e, String... parts) {
    LedgeException ex = assertThrows(LedgeException.class, e);
    for (String p : parts) {
      assertTrue(ex.getMessage().contains(p), "'" + p + "' not in: " + ex.getMessage());
    }
  }

  private static Tensor random(Random r, int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    for (int i = 0; i < t.size(); i++) {
      t.floats()[i] = (float) r.nextGaussian();
    }
    return t;
  }

  private static ModelDef attention(long opset, List<String> inputs, Object... attrs) {
    ModelBuilder b = new ModelBuilder(opset);
    for (String in : inputs) {
      if (in.isEmpty()) {
        continue;
      }
      long[] shape = in.equals("m") ? new long[] {-1, -1} : new long[] {-1, -1, -1, -1};
      b.input(in, in.equals("bmask") ? DType.BOOL : DType.FLOAT32, shape);
    }
    return b.node("Attention", inputs, List.of("y"), attrs).output("y").build();
  }

  @Test
  void causalWithAllTrueBoolMaskEqualsCausal() {
    Random r = new Random(1);
    Tensor q = random(r, 1, 2, 3, 4);
    Tensor k = random(r, 1, 2, 3, 4);
    Tensor v = random(r, 1, 2, 3, 4);
    Tensor mask = Tensor.allocate(DType.BOOL, 1, 1, 3, 3);
    Arrays.fill(mask.bytes(), (byte) 1);
    float[] plain =
        run(attention(23, List.of("q", "k", "v"), "is_causal", 1L), Map.of("q", q, "k", k, "v", v))
            .get("y")
            .toFloatArray();
    float[] masked =
        run(
                attention(23, List.of("q", "k", "v", "bmask"), "is_causal", 1L),
                Map.of("q", q, "k", k, "v", v, "bmask", mask))
            .get("y")
            .toFloatArray();
    assertArrayEquals(plain, masked, 1e-6f);
    // The first query sees only the first key: its output is the first value row.
    assertArrayEquals(Arrays.copyOf(v.toFloatArray(), 4), Arrays.copyOf(plain, 4), 1e-6f);
  }

  @Test
  void shortMaskIsPaddedWithMinusInfinity() {
    Random r = new Random(2);
    Tensor q = random(r, 1, 1, 2, 3);
    Tensor k = random(r, 1, 1, 3, 3);
    Tensor v = random(r, 1, 1, 3, 3);
    Tensor shortMask = Tensor.allocate(DType.FLOAT32, 2, 2);
    Tensor fullMask =
        Tensor.wrap(
            new float[] {0, 0, Float.NEGATIVE_INFINITY, 0, 0, Float.NEGATIVE_INFINITY}, 2, 3);
    ModelDef def = attention(23, List.of("q", "k", "v", "m"));
    float[] a = run(def, Map.of("q", q, "k", k, "v", v, "m", shortMask)).get("y").toFloatArray();
    float[] b = run(def, Map.of("q", q, "k", k, "v", v, "m", fullMask)).get("y").toFloatArray();
    assertArrayEquals(b, a, 1e-6f);
    assertMessage(
        () -> run(def, Map.of("q", q, "k", k, "v", v, "m", Tensor.allocate(DType.FLOAT32, 3, 3))),
        "attn_mask has shape");
  }

  @Test
  void qkOutputModeZeroIsTheRawScaledProduct() {
    Tensor q = Tensor.wrap(new float[] {2}, 1, 1, 1, 1);
    Tensor k = Tensor.wrap(new float[] {3}, 1, 1, 1, 1);
    Tensor v = Tensor.wrap(new float[] {5}, 1, 1, 1, 1);
    ModelDef def =
        new ModelBuilder(23)
            .input("q", DType.FLOAT32, 1, 1, 1, 1)
            .input("k", DType.FLOAT32, 1, 1, 1, 1)
            .input("v", DType.FLOAT32, 1, 1, 1, 1)
            .node(
                "Attention",
                List.of("q", "k", "v"),
                List.of("y", "", "", "qk"),
                "softcap",
                1.0f,
                "scale",
                0.5f)
            .output("y")
            .output("qk")
            .build();
    Map<String, Tensor> out = run(def, Map.of("q", q, "k", k, "v", v));
    assertArrayEquals(new float[] {3}, out.get("qk").toFloatArray());
    assertArrayEquals(new float[] {5}, out.get("y").toFloatArray());
  }

  @Test
  void attentionRejectsBadModels() {
    assertInstanceOf(
        UnsupportedOpException.class,
        assertThrows(
            LedgeException.class,
            () -> Model.of(attention(25, List.of("q", "k", "v"))).newSession()));
    ModelDef threeD =
        new ModelBuilder(23)
            .input("q", DType.FLOAT32, 1, 2, 8)
            .input("k", DType.FLOAT32, 1, 2, 8)
            .input("v", DType.FLOAT32, 1, 2, 8)
            .node("Attention", List.of("q", "k", "v"), List.of("y"))
            .output("y")
            .build();
    assertMessage(() -> Model.of(threeD).newSession(), "q_num_heads and kv_num_heads");
    Random r = new Random(3);
    assertMessage(
        () ->
            run(
                attention(23, List.of("q", "k", "v")),
                Map.of(
                    "q",
                    random(r, 1, 3, 2, 4),
                    "k",
                    random(r, 1, 2, 2, 4),
                    "v",
                    random(r, 1, 2, 2, 4))),
        "multiple of kv_num_heads");
  }

  @Test
  void rotaryEmbeddingRotatesPairsAndChecksPositions() {
    ModelDef def =
        new ModelBuilder(23)
            .input("x", DType.FLOAT32, 1, 1, 1, 4)
            .input("cos", DType.FLOAT32, 2, 2)
            .input("sin", DType.FLOAT32, 2, 2)
            .input("pos", DType.INT64, 1, 1)
            .node("RotaryEmbedding", List.of("x", "cos", "sin", "pos"), List.of("y"))
            .output("y")
            .build();
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 1, 1, 4);
    // Row 1 of the cache: a quarter turn (cos 0, sin 1): (x1, x2) -> (-x2, x1).
    Tensor cos = Tensor.wrap(new float[] {1, 1, 0, 0}, 2, 2);
    Tensor sin = Tensor.wrap(new float[] {0, 0, 1, 1}, 2, 2);
    Tensor y =
        run(def, Map.of("x", x, "cos", cos, "sin", sin, "pos", Tensor.wrap(new long[] {1}, 1, 1)))
            .get("y");
    assertArrayEquals(new float[] {-3, -4, 1, 2}, y.toFloatArray());
    assertMessage(
        () ->
            run(
                def,
                Map.of("x", x, "cos", cos, "sin", sin, "pos", Tensor.wrap(new long[] {2}, 1, 1))),
        "position id 2");
  }

  private static ModelDef linearAttention(List<String> inputs, Object... attrs) {
    ModelBuilder b = new ModelBuilder(27);
    for (String in : inputs) {
      if (!in.isEmpty()) {
        b.input(
            in,
            DType.FLOAT32,
            in.equals("past") ? new long[] {-1, -1, -1, -1} : new long[] {-1, -1, -1});
      }
    }
    Object[] all = Arrays.copyOf(attrs, attrs.length + 4);
    all[attrs.length] = "q_num_heads";
    all[attrs.length + 1] = 2L;
    all[attrs.length + 2] = "kv_num_heads";
    all[attrs.length + 3] = 1L;
    return b.node("LinearAttention", inputs, List.of("o", "state"), all)
        .output("o")
        .output("state")
        .build();
  }

  private static Tensor slice(Tensor t, int from, int to) {
    int[] s = t.shape();
    int row = s[2];
    float[] d = Arrays.copyOfRange(t.toFloatArray(), from * row, to * row);
    return Tensor.wrap(d, 1, to - from, row);
  }

  @Test
  void linearAttentionStateCarriesAcrossCalls() {
    Random r = new Random(4);
    Tensor q = random(r, 1, 3, 4);
    Tensor k = random(r, 1, 3, 2);
    Tensor v = random(r, 1, 3, 2);
    Tensor decay = random(r, 1, 3, 1);
    Tensor beta = random(r, 1, 3, 1);
    List<String> in = List.of("q", "k", "v", "", "decay", "beta");
    Map<String, Tensor> whole =
        run(linearAttention(in), Map.of("q", q, "k", k, "v", v, "decay", decay, "beta", beta));
    Map<String, Tensor> first =
        run(
            linearAttention(in),
            Map.of(
                "q",
                slice(q, 0, 2),
                "k",
                slice(k, 0, 2),
                "v",
                slice(v, 0, 2),
                "decay",
                slice(decay, 0, 2),
                "beta",
                slice(beta, 0, 2)));
    Map<String, Tensor> second =
        run(
            linearAttention(List.of("q", "k", "v", "past", "decay", "beta")),
            Map.of(
                "q",
                slice(q, 2, 3),
                "k",
                slice(k, 2, 3),
                "v",
                slice(v, 2, 3),
                "past",
                first.get("state"),
                "decay",
                slice(decay, 2, 3),
                "beta",
                slice(beta, 2, 3)));
    assertArrayEquals(whole.get("state").toFloatArray(), second.get("state").toFloatArray(), 1e-5f);
    float[] o = whole.get("o").toFloatArray();
    assertArrayEquals(Arrays.copyOfRange(o, 8, 12), second.get("o").toFloatArray(), 1e-5f);
    assertMessage(
        () ->
            Model.of(linearAttention(List.of("q", "k", "v", "", "decay"), "update_rule", "linear"))
                .newSession(),
        "forbids the decay input");
  }

  private static ModelDef causalConv(boolean withPast) {
    ModelBuilder b =
        new ModelBuilder(27)
            .input("x", DType.FLOAT32, -1, -1, -1)
            .input("w", DType.FLOAT32, 2, 1, 3);
    List<String> in = withPast ? List.of("x", "w", "", "past") : List.of("x", "w");
    if (withPast) {
      b.input("past", DType.FLOAT32, -1, -1, -1);
    }
    return b.node("CausalConvWithState", in, List.of("y", "state"), "activation", "silu")
        .output("y")
        .output("state")
        .build();
  }

  @Test
  void causalConvStreamsInChunks() {
    Random r = new Random(5);
    Tensor x = random(r, 1, 2, 5);
    Tensor w = random(r, 2, 1, 3);
    Map<String, Tensor> whole = run(causalConv(false), Map.of("x", x, "w", w));
    float[] xd = x.toFloatArray();
    Tensor x1 = Tensor.wrap(new float[] {xd[0], xd[1], xd[5], xd[6]}, 1, 2, 2);
    Tensor x2 = Tensor.wrap(new float[] {xd[2], xd[3], xd[4], xd[7], xd[8], xd[9]}, 1, 2, 3);
    Map<String, Tensor> first = run(causalConv(false), Map.of("x", x1, "w", w));
    Map<String, Tensor> second =
        run(causalConv(true), Map.of("x", x2, "w", w, "past", first.get("state")));
    float[] y = whole.get("y").toFloatArray();
    float[] y2 = second.get("y").toFloatArray();
    assertArrayEquals(new float[] {y[2], y[3], y[4], y[7], y[8], y[9]}, y2, 1e-6f);
    assertArrayEquals(whole.get("state").toFloatArray(), second.get("state").toFloatArray());
    assertMessage(
        () ->
            run(
                causalConv(true),
                Map.of("x", x2, "w", w, "past", Tensor.allocate(DType.FLOAT32, 1, 2, 3))),
        "past_state has shape");
  }

  private static ModelDef flex(Graph scoreMod, Graph probMod, long rank) {
    ModelDef def = new ModelBuilder(26).build();
    def.opsetImports().put("ai.onnx.preview", 1L);
    long[] shape = new long[(int) rank];
    Arrays.fill(shape, -1);
    Graph g = def.graph();
    for (String n : List.of("q", "k", "v")) {
      g.inputs()
          .add(
              new ValueInfo(
                  n, new ValueType.TensorType(DType.FLOAT32, dev.ledge.graph.Shape.of(shape))));
    }
    Map<String, Attribute> attrs = new LinkedHashMap<>();
    if (scoreMod != null) {
      attrs.put("score_mod", Attribute.of("score_mod", scoreMod));
    }
    if (probMod != null) {
      attrs.put("prob_mod", Attribute.of("prob_mod", probMod));
    }
    g.nodes()
        .add(
            new Node(
                "f",
                "FlexAttention",
                "ai.onnx.preview",
                List.of("q", "k", "v"),
                List.of("y"),
                attrs));
    g.outputs().add(new ValueInfo("y", null));
    return def;
  }

  private static Graph identityGraph() {
    Graph g = new Graph("mod");
    g.inputs().add(new ValueInfo("s", new ValueType.TensorType(DType.FLOAT32, null)));
    g.nodes().add(new Node("i", "Identity", "", List.of("s"), List.of("t"), new HashMap<>()));
    g.outputs().add(new ValueInfo("t", null));
    return g;
  }

  @Test
  void flexAttentionRunsModifierSubgraphs() {
    Random r = new Random(6);
    Map<String, Tensor> in =
        Map.of("q", random(r, 1, 4, 3, 2), "k", random(r, 1, 2, 5, 2), "v", random(r, 1, 2, 5, 3));
    float[] plain = run(flex(null, null, 4), in).get("y").toFloatArray();
    float[] modded = run(flex(identityGraph(), identityGraph(), 4), in).get("y").toFloatArray();
    assertEquals(4 * 3 * 3, plain.length);
    assertArrayEquals(plain, modded, 1e-6f);
    assertFalse(Float.isNaN(plain[0]));
    assertMessage(() -> Model.of(flex(null, null, 3)).newSession(), "must have rank 4");
  }
}
