package dev.ledge.ops.rnn;

import static dev.ledge.testing.GraphFixtures.anyTensor;
import static dev.ledge.testing.GraphFixtures.graph;
import static dev.ledge.testing.GraphFixtures.node;
import static dev.ledge.testing.GraphFixtures.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ValueInfo;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.GraphFixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LSTM, GRU and RNN on cases the ONNX conformance data does not cover (bidirectional with
 * sequence_lens, peepholes, linear_before_reset, activation parameters, layout 1), with expected
 * values produced by ONNX Runtime 1.30 (CPU) from the same inputs.
 */
class RecurrentOpsTest {
  private static final float TOLERANCE = 1e-5f;

  /** Deterministic inputs: StrictMath gives the same values on every JVM. */
  private static Tensor fill(int seed, int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setFloat(i, (float) (StrictMath.sin(seed * 7.1 + i * 1.3) * 0.8));
    }
    return t;
  }

  /** Inputs {@code X..P} of a {@code [seq 3, batch 2, input 3, hidden 2]} problem. */
  private static Map<String, Object> inputs(int gates, int dirs, int[] lens, boolean lstm) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("X", fill(1, 3, 2, 3));
    m.put("W", fill(2, dirs, gates * 2, 3));
    m.put("R", fill(3, dirs, gates * 2, 2));
    m.put("B", fill(4, dirs, 2 * gates * 2));
    if (lens != null) {
      m.put("sequence_lens", Tensor.wrap(DType.INT32, lens, 0, 2));
    }
    m.put("initial_h", fill(5, dirs, 2, 2));
    if (lstm) {
      m.put("initial_c", fill(6, dirs, 2, 2));
      m.put("P", fill(7, dirs, 3 * 2));
    }
    return m;
  }

  private static Graph single(
      String op, Map<String, Object> in, List<String> outs, Attribute... attrs) {
    List<ValueInfo> gi = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String n : List.of("X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P")) {
      if (in.containsKey(n)) {
        Tensor t = (Tensor) in.get(n);
        gi.add(tensor(n, t.dtype(), t.shape()));
        names.add(n);
      } else if (!op.equals("LSTM") && (n.equals("initial_c") || n.equals("P"))) {
        break;
      } else {
        names.add("");
      }
    }
    while (names.getLast().isEmpty()) {
      names.removeLast();
    }
    List<ValueInfo> go = new ArrayList<>();
    for (String o : outs) {
      go.add(anyTensor(o, DType.FLOAT32));
    }
    return graph(gi, List.of(node(op, names, outs, attrs)), go);
  }

  private static void assertClose(float[] expected, Object actual) {
    float[] a = ((Tensor) actual).toFloatArray();
    assertEquals(expected.length, a.length, "element count");
    for (int i = 0; i < a.length; i++) {
      float e = expected[i];
      assertTrue(Math.abs(a[i] - e) <= TOLERANCE, "element " + i + ": " + a[i] + ", expected " + e);
    }
  }

  @Test
  void lstmBidirectionalWithSequenceLensAndPeepholesMatchesOnnxRuntime() {
    Map<String, Object> in = inputs(4, 2, new int[] {3, 1}, true);
    Graph g =
        single(
            "LSTM",
            in,
            List.of("Y", "Y_h", "Y_c"),
            Attribute.of("hidden_size", 2L),
            Attribute.of("direction", "bidirectional"));
    Map<String, Object> out = GraphFixtures.run(g, 14, in);
    assertArrayEquals(new int[] {3, 2, 2, 2}, ((Tensor) out.get("Y")).shape());
    assertClose(
        new float[] {
          -0.0298076924f,
          -0.400016278f,
          0.303885937f,
          0.0369005837f,
          -0.218217403f,
          0.0425845757f,
          0.0218657982f,
          0.320024163f,
          -0.196995586f,
          -0.315084368f,
          0f,
          0f,
          -0.451451361f,
          0.101181656f,
          0f,
          0f,
          -0.171360224f,
          -0.141059726f,
          0f,
          0f,
          -0.390249848f,
          0.0304327253f,
          0f,
          0f
        },
        out.get("Y"));
    assertClose(
        new float[] {
          -0.171360224f,
          -0.141059726f,
          0.303885937f,
          0.0369005837f,
          -0.218217403f,
          0.0425845757f,
          0.0218657982f,
          0.320024163f
        },
        out.get("Y_h"));
    assertClose(
        new float[] {
          -1.13454580f,
          -0.414523065f,
          0.645548582f,
          0.227496147f,
          -0.425556630f,
          0.0506999157f,
          0.0527709238f,
          0.696892381f
        },
        out.get("Y_c"));
  }

  @Test
  void gruLinearBeforeResetBidirectionalMatchesOnnxRuntime() {
    Map<String, Object> in = inputs(3, 2, new int[] {3, 2}, false);
    Graph g =
        single(
            "GRU",
            in,
            List.of("Y", "Y_h"),
            Attribute.of("hidden_size", 2L),
            Attribute.of("direction", "bidirectional"),
            Attribute.of("linear_before_reset", 1L));
    Map<String, Object> out = GraphFixtures.run(g, 14, in);
    assertClose(
        new float[] {
          -0.527726531f, -0.472363323f, 0.902492821f, -0.189605266f, 0.0826158077f, 0.0164683759f,
          -0.589297652f, 0.572913408f, -0.592193842f, 0.201649994f, 0.660958886f, -0.665919662f,
          0.348456651f, -0.458641887f, -0.548883319f, 0.637270570f, 0.620256186f, -0.398522735f,
          0f, 0f, 0.0313190594f, -0.700821638f, 0f, 0f
        },
        out.get("Y"));
    assertClose(
        new float[] {
          0.620256186f,
          -0.398522735f,
          0.660958886f,
          -0.665919662f,
          0.0826158077f,
          0.0164683759f,
          -0.589297652f,
          0.572913408f
        },
        out.get("Y_h"));
  }

  @Test
  void gruReverseWithSequenceLensMatchesOnnxRuntime() {
    Map<String, Object> in = inputs(3, 1, new int[] {2, 3}, false);
    Graph g =
        single(
            "GRU",
            in,
            List.of("Y", "Y_h"),
            Attribute.of("hidden_size", 2L),
            Attribute.of("direction", "reverse"));
    Map<String, Object> out = GraphFixtures.run(g, 14, in);
    assertClose(
        new float[] {
          -0.545418143f, -0.397888482f, 0.670617521f, -0.804153681f, -0.738281429f, 0.186744660f,
          0.102102384f, -0.651578188f, 0f, 0f, -0.0136220157f, -0.322579801f
        },
        out.get("Y"));
    assertClose(
        new float[] {-0.545418143f, -0.397888482f, 0.670617521f, -0.804153681f}, out.get("Y_h"));
  }

  @Test
  void rnnLeakyReluAlphaMatchesOnnxRuntime() {
    Map<String, Object> in = inputs(1, 1, null, false);
    Graph g =
        single(
            "RNN",
            in,
            List.of("Y", "Y_h"),
            Attribute.of("hidden_size", 2L),
            Attribute.ofStrings("activations", List.of("LeakyRelu")),
            Attribute.of("activation_alpha", new float[] {0.2f}));
    Map<String, Object> out = GraphFixtures.run(g, 14, in);
    assertClose(
        new float[] {
          0.265899897f, 0.0829266608f, -0.357759178f, 0.510526121f, 0.627654612f, -0.288529605f,
          -0.212464526f, 0.806686282f, -0.120288730f, -0.115808778f, 0.236577928f, -0.154402122f
        },
        out.get("Y"));
  }

  /** Layout 1 is layout 0 with batch and sequence (and direction) axes swapped. */
  @Test
  void layoutOneMatchesLayoutZeroTransposed() {
    Map<String, Object> in0 = inputs(4, 2, new int[] {3, 1}, true);
    Map<String, Object> out0 =
        GraphFixtures.run(
            single(
                "LSTM",
                in0,
                List.of("Y", "Y_h", "Y_c"),
                Attribute.of("hidden_size", 2L),
                Attribute.of("direction", "bidirectional")),
            14,
            in0);
    Map<String, Object> in1 = new LinkedHashMap<>(in0);
    in1.put("X", swap01((Tensor) in0.get("X")));
    in1.put("initial_h", swap01((Tensor) in0.get("initial_h")));
    in1.put("initial_c", swap01((Tensor) in0.get("initial_c")));
    Map<String, Object> out1 =
        GraphFixtures.run(
            single(
                "LSTM",
                in1,
                List.of("Y", "Y_h", "Y_c"),
                Attribute.of("hidden_size", 2L),
                Attribute.of("direction", "bidirectional"),
                Attribute.of("layout", 1L)),
            14,
            in1);
    // Y: [seq, dir, batch, h] -> [batch, seq, dir, h]
    Tensor y0 = (Tensor) out0.get("Y");
    Tensor y1 = (Tensor) out1.get("Y");
    assertArrayEquals(new int[] {2, 3, 2, 2}, y1.shape());
    for (int s = 0; s < 3; s++) {
      for (int d = 0; d < 2; d++) {
        for (int b = 0; b < 2; b++) {
          for (int h = 0; h < 2; h++) {
            assertEquals(
                y0.getFloat(((s * 2 + d) * 2 + b) * 2 + h),
                y1.getFloat(((b * 3 + s) * 2 + d) * 2 + h));
          }
        }
      }
    }
    assertArrayEquals(
        swap01((Tensor) out0.get("Y_h")).toFloatArray(), ((Tensor) out1.get("Y_h")).toFloatArray());
    assertArrayEquals(
        swap01((Tensor) out0.get("Y_c")).toFloatArray(), ((Tensor) out1.get("Y_c")).toFloatArray());
  }

  private static Tensor swap01(Tensor t) {
    int[] s = t.shape();
    Tensor r = Tensor.allocate(t.dtype(), s[1], s[0], s[2]);
    for (int i = 0; i < s[0]; i++) {
      for (int j = 0; j < s[1]; j++) {
        for (int k = 0; k < s[2]; k++) {
          r.setFloat((j * s[0] + i) * s[2] + k, t.getFloat((i * s[1] + j) * s[2] + k));
        }
      }
    }
    return r;
  }

  @Test
  void zeroSequenceLengthGivesZeroStateAndOutput() {
    Map<String, Object> in = inputs(1, 1, new int[] {0, 3}, false);
    Map<String, Object> out =
        GraphFixtures.run(
            single("RNN", in, List.of("Y", "Y_h"), Attribute.of("hidden_size", 2L)), 14, in);
    Tensor y = (Tensor) out.get("Y");
    Tensor yh = (Tensor) out.get("Y_h");
    for (int s = 0; s < 3; s++) {
      assertEquals(0f, y.getFloat(s * 4));
      assertEquals(0f, y.getFloat(s * 4 + 1));
    }
    assertEquals(0f, yh.getFloat(0));
    assertEquals(0f, yh.getFloat(1));
  }

  @Test
  void wrongWeightShapeIsAClearError() {
    Map<String, Object> in = inputs(4, 1, null, true);
    in.put("W", fill(2, 1, 7, 3));
    Graph g = single("LSTM", in, List.of("Y"), Attribute.of("hidden_size", 2L));
    LedgeException e = assertThrows(LedgeException.class, () -> GraphFixtures.run(g, 14, in));
    assertTrue(
        e.getMessage().contains("input W has shape [1, 7, 3], expected [1, 8, 3]"), e.getMessage());
  }

  @Test
  void sequenceLengthOutOfRangeIsAClearError() {
    Map<String, Object> in = inputs(3, 1, new int[] {4, 1}, false);
    Graph g = single("GRU", in, List.of("Y"), Attribute.of("hidden_size", 2L));
    LedgeException e = assertThrows(LedgeException.class, () -> GraphFixtures.run(g, 14, in));
    assertTrue(e.getMessage().contains("sequence_lens[0] is 4, expected 0..3"), e.getMessage());
  }

  @Test
  void unknownActivationIsAnError() {
    Map<String, Object> in = inputs(1, 1, null, false);
    Graph g =
        single(
            "RNN",
            in,
            List.of("Y"),
            Attribute.of("hidden_size", 2L),
            Attribute.ofStrings("activations", List.of("Swish")));
    LedgeException e = assertThrows(LedgeException.class, () -> GraphFixtures.run(g, 14, in));
    assertTrue(e.getMessage().contains("activation 'Swish'"), e.getMessage());
  }

  @Test
  void ambiguousActivationParametersAreUnsupported() {
    Map<String, Object> in = inputs(3, 1, null, false);
    Graph g =
        single(
            "GRU",
            in,
            List.of("Y"),
            Attribute.of("hidden_size", 2L),
            Attribute.ofStrings("activations", List.of("Sigmoid", "LeakyRelu")),
            Attribute.of("activation_alpha", new float[] {0.3f}));
    assertThrows(UnsupportedOpException.class, () -> GraphFixtures.run(g, 14, in));
    Graph noDefault =
        single(
            "RNN",
            in,
            List.of("Y"),
            Attribute.of("hidden_size", 2L),
            Attribute.ofStrings("activations", List.of("ThresholdedRelu")));
    assertThrows(UnsupportedOpException.class, () -> GraphFixtures.run(noDefault, 14, in));
  }

  @Test
  void float64IsUnsupported() {
    Graph g =
        graph(
            List.of(
                tensor("X", DType.FLOAT64, 1, 1, 1),
                tensor("W", DType.FLOAT64, 1, 1, 1),
                tensor("R", DType.FLOAT64, 1, 1, 1)),
            List.of(
                node("RNN", List.of("X", "W", "R"), List.of("Y"), Attribute.of("hidden_size", 1L))),
            List.of(anyTensor("Y", DType.FLOAT64)));
    assertThrows(UnsupportedOpException.class, () -> GraphFixtures.model(g, 14).newSession());
  }
}
