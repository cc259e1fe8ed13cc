package dev.ledge.train.autograd;

import static dev.ledge.train.autograd.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The checker itself catches wrong rules (otherwise every other check proves nothing). */
class GradCheckSelfTest {
  @Test
  void aWrongRuleFails() {
    GradientRules wrong = GradientRules.standardCopy();
    // d(a*b)/da = b, but this rule says 1.01 * b.
    wrong.register(
        "Mul",
        c -> {
          String g = c.onnx("Mul", List.of(c.outputGrad(0), c.input(1)));
          g = c.onnx("Mul", List.of(g, c.scalar(1.01, c.floatType())));
          c.setInputGrad(0, g);
          c.setInputGrad(1, c.onnx("Mul", List.of(c.outputGrad(0), c.input(0))));
        });
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class,
            () ->
                GradCheck.op("Mul", 17)
                    .input("a", random(1, -1, 1, 3))
                    .input("b", random(2, 0.5, 1, 3))
                    .rules(wrong)
                    .check());
    assertTrue(e.getMessage().contains("d/da"), e.getMessage());
    // ... and a missing broadcast reduction is caught as a shape mismatch.
    GradientRules noReduce = GradientRules.standardCopy();
    noReduce.register(
        "Add",
        c -> {
          c.setInputGrad(0, c.outputGrad(0));
          c.setInputGrad(1, c.outputGrad(0));
        });
    assertThrows(
        AssertionFailedError.class,
        () ->
            GradCheck.op("Add", 17)
                .input("a", random(1, -1, 1, 2, 3))
                .input("b", random(2, -1, 1, 3))
                .rules(noReduce)
                .check());
  }
}
