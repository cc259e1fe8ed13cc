package dev.ledge.ops.control;

import dev.ledge.graph.Graph;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.Subgraph;
import dev.ledge.tensor.DType;
import java.util.List;

/**
 * If (every opset): runs {@code then_branch} or {@code else_branch} on the one-element bool {@code
 * cond} and returns that branch's outputs (tensors, sequences or optionals). Branch outputs may
 * differ in shape; the declared output shape keeps only what both branches agree on.
 */
final class IfOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.requireInputType(0, DType.BOOL);
    Subgraph thenBranch = branch(ctx, "then_branch");
    Subgraph elseBranch = branch(ctx, "else_branch");
    List<ValueType> thenTypes = thenBranch.outputTypes();
    List<ValueType> elseTypes = elseBranch.outputTypes();
    int n = ctx.outputCount();
    if (thenTypes.size() != n || elseTypes.size() != n) {
      throw ctx.error(
          "then_branch has "
              + thenTypes.size()
              + " outputs and else_branch "
              + elseTypes.size()
              + ", the node has "
              + n);
    }
    for (int i = 0; i < n; i++) {
      ValueType a = thenTypes.get(i);
      ValueType b = elseTypes.get(i);
      ValueType u = ControlTypes.union(a, b);
      if (u == null && a != null && b != null) {
        throw ctx.error(
            "output " + i + " is " + a + " in then_branch but " + b + " in else_branch");
      }
      ctx.setOutputType(i, u);
    }
    Object[] none = new Object[0];
    return exec -> {
      boolean cond = ControlTypes.scalarBool(exec, exec.inputValue(0), "cond");
      // Borrowed: the values are passed on at once, and the branch runs again only when this
      // node does, in a later run of the enclosing graph.
      Object[] out = (cond ? thenBranch : elseBranch).runBorrowed(exec, none);
      for (int i = 0; i < n; i++) {
        if (out[i] == null) {
          throw exec.error((cond ? "then_branch" : "else_branch") + " output " + i + " is missing");
        }
        exec.setOutput(i, out[i]);
      }
    };
  }

  private static Subgraph branch(OpContext ctx, String name) {
    Graph g = ctx.attrGraph(name);
    if (g == null) {
      throw ctx.error("missing required attribute '" + name + "'");
    }
    if (!g.inputs().isEmpty()) {
      throw ctx.error(name + " declares " + g.inputs().size() + " inputs, expected none");
    }
    return ctx.prepareSubgraph(g, List.of());
  }
}
