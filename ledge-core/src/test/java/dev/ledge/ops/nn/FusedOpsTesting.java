package dev.ledge.ops.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared pieces of the FusedConv and FusedGemm tests: the activations with their parameters, the
 * unfused nodes that compute each one, and the comparison of fused against unfused results.
 */
final class FusedOpsTesting {
  private FusedOpsTesting() {}

  /** An activation as the fused ops name it, with its activation_params. */
  record Activation(String name, float... params) {
    @Override
    public String toString() {
      return name + java.util.Arrays.toString(params);
    }
  }

  /** Every fused activation, Clip twice (any bounds and Relu6). */
  static final List<Activation> ACTIVATIONS =
      List.of(
          new Activation("Relu"),
          new Activation("Clip", -0.5f, 0.75f),
          new Activation("Clip", 0f, 6f),
          new Activation("LeakyRelu", 0.1f),
          new Activation("HardSigmoid", 0.3f, 0.4f),
          new Activation("HardSwish"),
          new Activation("Sigmoid"),
          new Activation("Tanh"),
          new Activation("SiLU"));

  /** Opset of the unfused models (HardSwish needs 14). */
  static final long OPSET = 17;

  /** Adds the standard nodes computing {@code act(in)} into {@code out}. */
  static ModelBuilder activation(ModelBuilder b, Activation a, String in, String out) {
    float[] p = a.params();
    return switch (a.name()) {
      case "Clip" ->
          b.initializer(out + "_lo", Tensor.scalar(p[0]))
              .initializer(out + "_hi", Tensor.scalar(p[1]))
              .node("Clip", List.of(in, out + "_lo", out + "_hi"), List.of(out));
      case "LeakyRelu" -> b.node("LeakyRelu", in, out, "alpha", p[0]);
      case "HardSigmoid" -> b.node("HardSigmoid", in, out, "alpha", p[0], "beta", p[1]);
      case "SiLU" ->
          b.node("Sigmoid", in, out + "_s").node("Mul", List.of(out + "_s", in), List.of(out));
      default -> b.node(a.name(), in, out);
    };
  }

  /** Adds a Ledge-domain node to the model {@code b} has built. */
  static ModelDef withLedgeNode(
      ModelBuilder b,
      String op,
      List<String> inputs,
      Map<String, Attribute> attrs,
      Activation a,
      String out) {
    Map<String, Attribute> all = new LinkedHashMap<>(attrs);
    all.put("activation", Attribute.of("activation", a.name()));
    if (a.params().length > 0) {
      all.put("activation_params", Attribute.of("activation_params", a.params()));
    }
    ModelDef def = b.output(out).build();
    def.graph().nodes().add(new Node("fused", op, "dev.ledge", inputs, List.of(out), all));
    def.opsetImports().put("dev.ledge", 1L);
    return def;
  }

  /** Runs a model as written (no graph passes) on {@code threads} threads; output "y". */
  static float[] run(ModelDef def, Map<String, Tensor> feed, int threads) {
    try (Session s =
        Model.of(def)
            .newSession(
                SessionOptions.defaults()
                    .threads(threads)
                    .optimizationLevel(SessionOptions.OptimizationLevel.NONE))) {
      return s.run(feed).get("y").toFloatArray();
    }
  }

  /**
   * Fused against unfused within 1e-5 relative plus 1e-6 absolute, or bit for bit if {@code exact}
   * (the fused op then runs the same kernels in the same order as the unfused nodes), and the fused
   * result the same bits on 1 and 2 threads.
   */
  static void assertFusedMatches(
      ModelDef unfused, ModelDef fused, Map<String, Tensor> feed, boolean exact, String what) {
    float[] want = run(unfused, feed, 1);
    float[] one = run(fused, feed, 1);
    float[] two = run(fused, feed, 2);
    assertEquals(want.length, one.length, what);
    if (exact) {
      assertArrayEquals(want, one, what + ": fused vs unfused");
    }
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(want[i] - one[i]) <= 1e-6 + 1e-5 * Math.abs(want[i]))) {
        fail(what + " at " + i + ": unfused " + want[i] + ", fused " + one[i]);
      }
    }
    assertArrayEquals(one, two, what + ": 1 vs 2 threads");
  }
}
