package dev.ledge.ops.sequence;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.OptionalValue;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;

/**
 * Optional (opset 15): an optional holding its input, or an empty optional of the {@code type}
 * attribute when the input is omitted. A tensor input is copied so that the optional owns it.
 */
final class OptionalOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(0, 1);
    Attribute typeAttr = ctx.attr("type");
    ValueType declared = null;
    if (typeAttr != null) {
      if (typeAttr.type() != Attribute.Type.TYPE) {
        throw ctx.error("attribute type has type " + typeAttr.type() + ", expected TYPE");
      }
      declared = typeAttr.asType();
    }
    if (ctx.hasInput(0)) {
      ValueType in = ctx.inputType(0);
      if (in instanceof ValueType.OptionalType) {
        throw ctx.error("input is " + in + ", expected a tensor or a sequence");
      }
      ctx.setOutputType(0, new ValueType.OptionalType(in != null ? in : declared));
      return exec -> {
        Object v = exec.inputValue(0);
        if (v instanceof Tensor t) {
          exec.setOutput(0, new OptionalValue(t.copy()));
        } else if (v instanceof TensorSequence s) {
          exec.setOutput(0, new OptionalValue(s));
        } else {
          throw exec.error(
              "input is " + Sequences.describe(v) + ", expected a tensor or a sequence");
        }
      };
    }
    if (declared == null) {
      throw ctx.error("without an input, attribute 'type' is required");
    }
    ctx.setOutputType(0, new ValueType.OptionalType(declared));
    return exec -> exec.setOutput(0, OptionalValue.empty());
  }
}
