package dev.ledge.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Shared checks for pass tests: run a pass on a copy, compare the graphs' outputs. */
final class PassAssertions {
  private PassAssertions() {}

  /** Applies {@code pass} to a deep copy of {@code model} and returns the copy. */
  static ModelDef applied(GraphPass pass, ModelDef model) {
    ModelDef copy = model.deepCopy();
    assertTrue(pass.apply(copy), pass.name() + " changed nothing");
    return copy;
  }

  /** The op types of a graph's nodes, in order. */
  static List<String> ops(Graph g) {
    List<String> r = new ArrayList<>();
    for (Node n : g.nodes()) {
      r.add(n.opType());
    }
    return r;
  }

  /** Runs a model as written (no passes, no folding). */
  static Map<String, Tensor> run(ModelDef model, Map<String, Tensor> inputs) {
    try (Session s =
        Model.of(model)
            .newSession(
                SessionOptions.defaults()
                    .optimizationLevel(SessionOptions.OptimizationLevel.NONE))) {
      return s.run(inputs);
    }
  }

  /**
   * Runs both models on the inputs and checks every output has the same dtype, shape and values
   * within {@code tol} (absolute plus relative).
   */
  static void assertSameOutputs(
      ModelDef before, ModelDef after, Map<String, Tensor> inputs, double tol) {
    Map<String, Tensor> a = run(before, inputs);
    Map<String, Tensor> b = run(after, inputs);
    assertEquals(a.keySet(), b.keySet(), "outputs");
    for (String name : a.keySet()) {
      Tensor x = a.get(name);
      Tensor y = b.get(name);
      assertEquals(x.dtype(), y.dtype(), name + " dtype");
      assertEquals(Arrays.toString(x.shape()), Arrays.toString(y.shape()), name + " shape");
      for (int i = 0; i < x.size(); i++) {
        double u = x.getDouble(i);
        double v = y.getDouble(i);
        if (Double.isNaN(u) != Double.isNaN(v) || Math.abs(u - v) > tol * (1 + Math.abs(u))) {
          fail(name + "[" + i + "]: before " + u + ", after " + v + " (tol " + tol + ")");
        }
      }
    }
  }

  /** A float32 tensor of uniform values in [-1, 1) from a fixed seed. */
  static Tensor randomFloats(long seed, int... shape) {
    Random r = new Random(seed);
    Tensor t = Tensor.allocate(dev.ledge.tensor.DType.FLOAT32, shape);
    float[] d = t.floats();
    for (int i = 0; i < t.size(); i++) {
      d[t.offset() + i] = r.nextFloat() * 2 - 1;
    }
    return t;
  }
}
