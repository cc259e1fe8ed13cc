package dev.ledge.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.OperatorRegistry;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operators registered by a module outside core run through the same runtime. */
class ExtraOperatorsTest {
  @Test
  void modelRunsWithAnExtendedRegistry() {
    Graph g = new Graph("g");
    g.inputs().add(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, Shape.of(2))));
    g.nodes().add(new Node("d", "Double", "test.extra", List.of("x"), List.of("y"), Map.of()));
    g.outputs().add(new ValueInfo("y", null));
    ModelDef def = new ModelDef(g);
    def.opsetImports().put("", 17L);
    def.opsetImports().put("test.extra", 1L);
    OperatorRegistry r =
        OperatorRegistry.standardWith(
            reg ->
                reg.register(
                    "test.extra",
                    "Double",
                    ctx -> {
                      ctx.setOutput(0, DType.FLOAT32, ctx.inputShape(0));
                      return exec -> {
                        Tensor x = exec.input(0);
                        Tensor y = exec.output(0, DType.FLOAT32, x.shape());
                        for (int i = 0; i < x.size(); i++) {
                          y.setFloat(i, 2 * x.getFloat(i));
                        }
                      };
                    }));
    Tensor y = Model.of(def, r).newSession().run(Map.of("x", Tensor.ofFloats(1, 2.5f))).get("y");
    assertArrayEquals(new float[] {2, 5}, y.floats());
    assertThrows(UnsupportedOpException.class, () -> Model.of(def).newSession());
    assertThrows(
        UnsupportedOpException.class,
        () -> Model.of(def, OperatorRegistry.standard()).newSession());
  }
}
