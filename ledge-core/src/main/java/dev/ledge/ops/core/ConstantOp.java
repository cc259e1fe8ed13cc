package dev.ledge.ops.core;

import dev.ledge.graph.Attribute;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;

/** Constant: a tensor given by exactly one of its value attributes. Known at prepare time. */
final class ConstantOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.node().attributes().size() != 1) {
      throw ctx.error("needs exactly one value attribute, has " + ctx.node().attributes().keySet());
    }
    Attribute a = ctx.node().attributes().values().iterator().next();
    Tensor value =
        switch (a.name()) {
          case "value", "sparse_value" -> a.asTensor();
          case "value_float" -> Tensor.scalar(a.asFloat());
          case "value_floats" -> {
            float[] f = a.asFloats();
            yield Tensor.wrap(f, f.length);
          }
          case "value_int" -> Tensor.scalar(a.asInt());
          case "value_ints" -> {
            long[] v = a.asInts();
            yield Tensor.wrap(v, v.length);
          }
          case "value_string" -> Tensor.wrap(new String[] {a.asString()});
          case "value_strings" -> {
            List<String> s = a.asStrings();
            yield Tensor.wrap(DType.STRING, s.toArray(String[]::new), 0, s.size());
          }
          default -> throw ctx.error("unknown attribute '" + a.name() + "'");
        };
    ctx.setOutputConstant(0, value);
    return exec -> exec.setOutput(0, value);
  }
}
