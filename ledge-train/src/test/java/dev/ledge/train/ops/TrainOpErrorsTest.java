package dev.ledge.train.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad inputs to the training operators give clear errors, never crashes or wrong values. */
class TrainOpErrorsTest {
  /** Runs one training-domain node on run-time inputs (declared without static shapes). */
  static Map<String, Tensor> run(
      String op, Map<String, Tensor> in, int outputs, Attribute... attrs) {
    Graph g = new Graph("t");
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : in.entrySet()) {
      names.add(e.getValue() == null ? "" : e.getKey());
      if (e.getValue() != null) {
        g.inputs().add(new ValueInfo(e.getKey(), ValueType.tensor(e.getValue().dtype(), null)));
      }
    }
    List<String> outs = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      outs.add("o" + i);
      g.outputs().add(new ValueInfo("o" + i, null));
    }
    Map<String, Attribute> a = new LinkedHashMap<>();
    for (Attribute at : attrs) {
      a.put(at.name(), at);
    }
    g.nodes().add(new Node("n", op, TrainOperators.DOMAIN, names, outs, a));
    ModelDef m = new ModelDef(g);
    m.opsetImports().put("", 17L);
    m.opsetImports().put(TrainOperators.DOMAIN, 1L);
    Map<String, Tensor> feed = new LinkedHashMap<>(in);
    feed.values().removeIf(java.util.Objects::isNull);
    try (Session s = Model.of(m, TrainOperators.registry()).newSession()) {
      return s.run(feed);
    }
  }

  private static void fails(String fragment, Runnable r) {
    LedgeException e = assertThrows(LedgeException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private static Map<String, Tensor> in(Object... kv) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Tensor) kv[i + 1]);
    }
    return m;
  }

  private static Tensor f(int... shape) {
    return Tensor.allocate(dev.ledge.tensor.DType.FLOAT32, shape);
  }

  @Test
  void reduceSumToNeedsABroadcastableTarget() {
    fails(
        "cannot sum [2, 3] down to [4]",
        () -> run("ReduceSumTo", in("dy", f(2, 3), "like", f(4)), 1));
    Tensor dy = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(
        new float[] {5, 7, 9},
        run("ReduceSumTo", in("dy", dy, "like", f(1, 3)), 1).get("o0").floats());
  }

  @Test
  void activationGradsCheckShapes() {
    fails(
        "ReluGrad: shapes [2] and [3] differ", () -> run("ReluGrad", in("dy", f(2), "y", f(3)), 1));
    fails(
        "bound input 2 must be a scalar",
        () -> run("ClipGrad", in("dy", f(2), "x", f(2), "lo", f(2)), 1));
  }

  @Test
  void convGradsCheckGroupsAndShapes() {
    fails(
        "do not fit group 2",
        () ->
            run(
                "ConvGradWeight",
                in("dy", f(1, 4, 3, 3), "x", f(1, 3, 5, 5), "w", f(4, 3, 3, 3)),
                1,
                Attribute.of("group", 2L)));
    fails(
        "which the window does not produce",
        () ->
            run(
                "ConvGradInput",
                in("dy", f(1, 4, 4, 4), "w", f(4, 3, 3, 3), "x", f(1, 3, 5, 5)),
                1));
    fails(
        "kernel_shape",
        () ->
            run(
                "ConvGradInput",
                in("dy", f(1, 4, 3, 3), "w", f(4, 3, 3, 3), "x", f(1, 3, 5, 5)),
                1,
                Attribute.of("kernel_shape", 2L, 2)));
  }

  @Test
  void poolGradNeedsAKernel() {
    fails(
        "missing required attribute 'kernel_shape'",
        () -> run("MaxPoolGrad", in("dy", f(1, 1, 2, 2), "x", f(1, 1, 4, 4)), 1));
  }

  @Test
  void crossEntropyChecksLabels() {
    Tensor z = f(2, 3);
    fails(
        "label 1 is 3, expected 0..2",
        () -> run("SoftmaxCrossEntropy", in("z", z, "y", Tensor.wrap(new long[] {0, 3}, 2)), 1));
    fails(
        "do not match",
        () -> run("SoftmaxCrossEntropy", in("z", z, "y", Tensor.wrap(new long[] {0}, 1)), 1));
  }

  @Test
  void indexingGradsCheckIndices() {
    fails(
        "index 5 is out of range",
        () ->
            run(
                "GatherGrad",
                in("dy", f(1, 2), "x", f(3, 2), "i", Tensor.wrap(new long[] {5}, 1)),
                1));
    fails(
        "steps must not be 0",
        () ->
            run(
                "SliceGrad",
                in(
                    "dy",
                    f(1),
                    "x",
                    f(3),
                    "s",
                    Tensor.ofLongs(0),
                    "e",
                    Tensor.ofLongs(1),
                    "a",
                    Tensor.ofLongs(0),
                    "st",
                    Tensor.ofLongs(0)),
                1));
  }

  @Test
  void dropoutRatioAndRecurrentActivations() {
    fails(
        "ratio is 1.0",
        () ->
            run("Dropout", in("x", f(2), "seed", Tensor.scalar(1L)), 2, Attribute.of("ratio", 1f)));
    assertThrows(
        UnsupportedOpException.class,
        () ->
            run(
                "GRUGrad",
                in("x", f(1, 1, 2), "w", f(1, 6, 2), "r", f(1, 6, 2)),
                1,
                Attribute.ofStrings("activations", List.of("Relu", "Tanh"))));
  }

  @Test
  void floatTypesOnly() {
    Tensor ints = Tensor.wrap(new int[] {1, 2}, 2);
    fails("expected float32 or float64", () -> run("ZerosLike", in("x", ints), 1));
  }
}
