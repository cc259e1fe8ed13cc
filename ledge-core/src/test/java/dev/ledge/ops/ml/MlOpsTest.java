package dev.ledge.ops.ml;

import static dev.ledge.testing.NodeRunner.strings;
import static dev.ledge.testing.NodeRunner.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeRunner;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MlOpsTest {
  private static NodeRunner ml(String op, long version) {
    return NodeRunner.op(op).domain("ai.onnx.ml", version);
  }

  private static void assertError(Executable e, String... parts) {
    LedgeException ex = assertThrows(LedgeException.class, e);
    assertTrue(!(ex instanceof UnsupportedOpException), ex::getMessage);
    for (String p : parts) {
      assertTrue(ex.getMessage().contains(p), () -> ex.getMessage() + " lacks " + p);
    }
  }

  // ---- LabelEncoder ----

  @Test
  void labelEncoderV1MapsBothWays() {
    Tensor ids =
        ml("LabelEncoder", 1)
            .attr("classes_strings", List.of("a", "b"))
            .attr("default_int64", 9L)
            .input(strings("b", "z", "a"))
            .run1();
    assertArrayEquals(new long[] {1, 9, 0}, ids.longs());
    Tensor names =
        ml("LabelEncoder", 1)
            .attr("classes_strings", List.of("a", "b"))
            .input(Tensor.wrap(new long[] {1, -1, 2, 0}, 4))
            .run1();
    assertArrayEquals(new String[] {"b", "_Unused", "_Unused", "a"}, values(names));
  }

  @Test
  void labelEncoderFloatKeysMatchByValueAndLastKeyWins() {
    Tensor y =
        ml("LabelEncoder", 2)
            .attr("keys_floats", new float[] {Float.NaN, 0f, 1f, 1f})
            .attr("values_strings", List.of("nan", "zero", "one", "uno"))
            .input(Tensor.wrap(new float[] {Float.intBitsToFloat(0x7fc00001), -0f, 1f, 2f}, 4))
            .run1();
    assertArrayEquals(new String[] {"nan", "zero", "uno", "_Unused"}, values(y));
  }

  @Test
  void labelEncoderV4TensorsAndDefaults() {
    Tensor keys = Tensor.wrap(new int[] {3, 4}, 2);
    Tensor vals = Tensor.wrap(new double[] {0.5, 1.5}, 2);
    Tensor y =
        ml("LabelEncoder", 4)
            .attr("keys_tensor", keys)
            .attr("values_tensor", vals)
            .input(Tensor.wrap(new int[] {4, 5}, 2))
            .run1();
    assertArrayEquals(new double[] {1.5, -0.0}, y.doubles());
    assertError(
        () ->
            ml("LabelEncoder", 4)
                .attr("keys_tensor", keys)
                .attr("values_tensor", vals)
                .attr("default_tensor", Tensor.wrap(new long[] {1}, 1))
                .input(Tensor.wrap(new int[] {4}, 1))
                .run1(),
        "default_tensor");
    assertError(
        () ->
            ml("LabelEncoder", 2)
                .attr("keys_int64s", new long[] {1, 2})
                .attr("values_floats", new float[] {1})
                .input(Tensor.wrap(new long[] {1}, 1))
                .run1(),
        "pair up");
    assertError(
        () ->
            ml("LabelEncoder", 2)
                .attr("keys_int64s", new long[] {1})
                .attr("values_floats", new float[] {1})
                .input(strings("1"))
                .run1(),
        "expected one of [int64]");
    assertError(
        () ->
            ml("LabelEncoder", 2)
                .attr("keys_tensor", keys)
                .attr("values_tensor", vals)
                .input(Tensor.wrap(new int[] {4}, 1))
                .run1(),
        "opset 4");
  }

  // ---- Binarizer / ArrayFeatureExtractor ----

  @Test
  void binarizerComparesIntegersExactly() {
    Tensor y =
        ml("Binarizer", 1)
            .attr("threshold", 0x1p60f)
            .input(Tensor.wrap(new long[] {(1L << 60) + 1, 1L << 60, -5}, 3))
            .run1();
    assertArrayEquals(new long[] {1, 0, 0}, y.longs());
    Tensor f =
        ml("Binarizer", 1)
            .attr("threshold", 0.5f)
            .input(Tensor.wrap(new float[] {0.5f, 0.6f, Float.NaN}, 3))
            .run1();
    assertArrayEquals(new float[] {0, 1, 0}, f.floats());
    assertError(() -> ml("Binarizer", 1).input(strings("a")).run1(), "expected one of");
  }

  @Test
  void arrayFeatureExtractorSelectsLastAxis() {
    Tensor y =
        ml("ArrayFeatureExtractor", 1)
            .input(strings("a", "b", "c"))
            .input(Tensor.wrap(new long[] {2, 0, 2}, 3))
            .run1();
    assertArrayEquals(new int[] {1, 3}, y.shape());
    assertArrayEquals(new String[] {"c", "a", "c"}, values(y));
    assertError(
        () ->
            ml("ArrayFeatureExtractor", 1)
                .input(Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2))
                .input(Tensor.wrap(new long[] {2}, 1))
                .run1(),
        "index 2 is out of range",
        "size 2");
  }

  // ---- TreeEnsemble ----

  /** One tree: node 0 (x0 <= 1) -> leaf 0 / node 1; node 1 (x0 < 5, NaN true) -> leaf 1 / 2. */
  private static NodeRunner tree(Tensor x) {
    return ml("TreeEnsemble", 5)
        .input(x)
        .attr("n_targets", 2L)
        .attr("tree_roots", new long[] {0})
        .attr("nodes_featureids", new long[] {0, 0})
        .attr("nodes_modes", Tensor.wrap(DType.UINT8, new byte[] {0, 1}, 0, 2))
        .attr("nodes_splits", Tensor.wrap(new float[] {1, 5}, 2))
        .attr("nodes_truenodeids", new long[] {0, 1})
        .attr("nodes_trueleafs", new long[] {1, 1})
        .attr("nodes_falsenodeids", new long[] {1, 2})
        .attr("nodes_falseleafs", new long[] {0, 1})
        .attr("nodes_missing_value_tracks_true", new long[] {0, 1})
        .attr("leaf_targetids", new long[] {0, 1, 1})
        .attr("leaf_weights", Tensor.wrap(new float[] {10, 20, 30}, 3));
  }

  @Test
  void treeEnsembleWalksTreesAndTracksNaN() {
    Tensor x = Tensor.wrap(new float[] {0, 3, Float.NaN, 7}, 4, 1);
    Tensor y = tree(x).run1();
    assertArrayEquals(new float[] {10, 0, 0, 20, 0, 20, 0, 30}, y.floats());
  }

  @Test
  void treeEnsembleRejectsBrokenTreesAndRefusesAmbiguousSettings() {
    Tensor x = Tensor.wrap(new float[] {0}, 1, 1);
    assertError(
        () ->
            tree(x)
                .attr("nodes_falsenodeids", new long[] {1, 0})
                .attr("nodes_falseleafs", new long[] {0, 0})
                .run1(),
        "cycle");
    assertError(
        () -> tree(x).attr("leaf_targetids", new long[] {0, 2, 1}).run1(), "leaf_targetids[1]");
    assertError(
        () -> tree(x).attr("nodes_truenodeids", new long[] {3, 1}).run1(), "nodes_truenodeids[0]");
    assertError(
        () -> tree(Tensor.wrap(new double[] {0}, 1, 1)).run1(), "nodes_splits has type float32");
    assertError(() -> tree(x).attr("nodes_featureids", new long[] {0, 1}).run1(), "feature 1");
    assertThrows(UnsupportedOpException.class, () -> tree(x).attr("post_transform", 1L).run1());
    // MIN over two targets: target 0 is only reached on some rows.
    assertThrows(UnsupportedOpException.class, () -> tree(x).attr("aggregate_function", 2L).run1());
  }

  @Test
  void treeEnsembleAveragesAndTakesMaximaWhenEveryTargetIsReached() {
    // Two single-target trees: tree 0 is node 0 as above (targets all 0), tree 1 a leaf at node 1.
    NodeRunner r =
        ml("TreeEnsemble", 5)
            .input(Tensor.wrap(new double[] {0, 3}, 2, 1))
            .attr("n_targets", 1L)
            .attr("tree_roots", new long[] {0, 1})
            .attr("nodes_featureids", new long[] {0, 0})
            .attr("nodes_modes", Tensor.wrap(DType.UINT8, new byte[] {0, 0}, 0, 2))
            .attr("nodes_splits", Tensor.wrap(new double[] {1, 0}, 2))
            .attr("nodes_truenodeids", new long[] {0, 1})
            .attr("nodes_trueleafs", new long[] {1, 1})
            .attr("nodes_falsenodeids", new long[] {2, 1})
            .attr("nodes_falseleafs", new long[] {1, 1})
            .attr("leaf_targetids", new long[] {0, 0, 0})
            .attr("leaf_weights", Tensor.wrap(new double[] {1, 6, 2}, 3));
    assertArrayEquals(new double[] {3.5, 4}, r.attr("aggregate_function", 0L).run1().doubles());
    assertArrayEquals(new double[] {6, 6}, r.attr("aggregate_function", 3L).run1().doubles());
    assertArrayEquals(new double[] {1, 2}, r.attr("aggregate_function", 2L).run1().doubles());
  }
}
