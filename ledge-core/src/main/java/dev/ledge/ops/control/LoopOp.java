package dev.ledge.ops.control;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Graph;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.Subgraph;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Loop (every opset): runs {@code body} while {@code i < M} and {@code cond} hold (either may be
 * omitted; when {@code cond} is omitted the body's condition output is ignored, as the ONNX table
 * says). The body gets {@code (i, cond, v...)} and returns {@code (cond, v..., scan...)}; loop-
 * carried values {@code v} may be tensors, sequences or optionals and may change shape; each scan
 * output is stacked along a new axis 0.
 */
final class LoopOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.inputCount() < 2) {
      throw ctx.error("has " + ctx.inputCount() + " inputs, expected at least 2 (M, cond)");
    }
    boolean hasM = ctx.hasInput(0);
    boolean hasCond = ctx.hasInput(1);
    if (hasM) {
      ctx.requireInputType(0, DType.INT64);
    }
    if (hasCond) {
      ctx.requireInputType(1, DType.BOOL);
    }
    if (!hasM && !hasCond) {
      throw ctx.unsupported("Loop without M and cond never terminates");
    }
    int n = ctx.inputCount() - 2;
    Graph body = ctx.attrGraph("body");
    if (body == null) {
      throw ctx.error("missing required attribute 'body'");
    }
    if (body.inputs().size() != n + 2) {
      throw ctx.error(
          "body takes "
              + body.inputs().size()
              + " inputs, expected "
              + (n + 2)
              + " (iteration, cond and "
              + n
              + " loop-carried values)");
    }
    int k = body.outputs().size() - 1 - n;
    if (k < 0) {
      throw ctx.error(
          "body returns "
              + body.outputs().size()
              + " outputs, expected at least "
              + (n + 1)
              + " (cond and "
              + n
              + " loop-carried values)");
    }
    if (ctx.outputCount() > n + k) {
      throw ctx.error(
          "has "
              + ctx.outputCount()
              + " outputs, the body gives "
              + n
              + " loop-carried values and "
              + k
              + " scan outputs");
    }
    List<ValueType> formal = new ArrayList<>(n + 2);
    formal.add(new ValueType.TensorType(DType.INT64, Shape.of(new int[0])));
    formal.add(new ValueType.TensorType(DType.BOOL, Shape.of(new int[0])));
    for (int i = 0; i < n; i++) {
      if (!ctx.hasInput(2 + i)) {
        throw ctx.error("loop-carried input " + i + " (node input " + (2 + i) + ") is empty");
      }
      formal.add(ControlTypes.eraseShapes(ctx.inputType(2 + i)));
    }
    Subgraph sub = ctx.prepareSubgraph(body, formal);
    List<ValueType> outTypes = sub.outputTypes();
    if (outTypes.get(0) instanceof ValueType.TensorType c
        && c.dtype() != null
        && c.dtype() != DType.BOOL) {
      throw ctx.error("body condition output has type " + c.dtype() + ", expected bool");
    }
    for (int i = 0; i < n && i < ctx.outputCount(); i++) {
      ctx.setOutputType(i, ControlTypes.union(ctx.inputType(2 + i), outTypes.get(1 + i)));
    }
    ValueType[] scanTypes = new ValueType[k];
    for (int j = 0; j < k; j++) {
      ValueType t = outTypes.get(1 + n + j);
      if (t != null && !(t instanceof ValueType.TensorType)) {
        throw ctx.unsupported("scan output " + j + " is " + t + "; only tensors can be stacked");
      }
      scanTypes[j] = t;
      if (n + j < ctx.outputCount()) {
        ValueType.TensorType tt = (ValueType.TensorType) t;
        ctx.setOutputType(
            n + j,
            new ValueType.TensorType(
                tt == null ? null : tt.dtype(),
                tt == null ? null : ControlTypes.insertDim(tt.shape(), 0, Dim.unknown())));
      }
    }
    int outputs = ctx.outputCount();
    return exec -> run(exec, sub, n, k, outputs, scanTypes);
  }

  private static void run(
      ExecContext ctx, Subgraph body, int n, int k, int outputs, ValueType[] scanTypes) {
    boolean useCond = ctx.hasInput(1);
    long trip = ctx.hasInput(0) ? ControlTypes.scalarLong(ctx, ctx.input(0), "M") : Long.MAX_VALUE;
    Object cond = useCond ? ctx.inputValue(1) : ControlTypes.bool(true);
    boolean keepGoing = !useCond || ControlTypes.scalarBool(ctx, cond, "cond");
    Object[] carried = new Object[n];
    for (int i = 0; i < n; i++) {
      carried[i] = ctx.inputValue(2 + i);
    }
    List<List<Tensor>> scans = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      scans.add(new ArrayList<>());
    }
    Object[] in = new Object[n + 2];
    for (long i = 0; i < trip && keepGoing; i++) {
      in[0] = Tensor.scalar(i);
      in[1] = cond;
      System.arraycopy(carried, 0, in, 2, n);
      Object[] out = body.run(ctx, in);
      cond = out[0];
      if (useCond) {
        keepGoing = ControlTypes.scalarBool(ctx, cond, "body condition output");
      }
      for (int v = 0; v < n; v++) {
        if (out[1 + v] == null) {
          throw ctx.error("body loop-carried output " + v + " is missing");
        }
        carried[v] = out[1 + v];
      }
      for (int j = 0; j < k; j++) {
        if (!(out[1 + n + j] instanceof Tensor t)) {
          throw ctx.error(
              "body scan output " + j + " is " + out[1 + n + j] + ", expected a tensor");
        }
        scans.get(j).add(t);
      }
    }
    for (int i = 0; i < n && i < outputs; i++) {
      ctx.setOutput(i, carried[i]);
    }
    for (int j = 0; j < k && n + j < outputs; j++) {
      if (ctx.hasOutput(n + j)) {
        ctx.setOutput(
            n + j,
            ControlTypes.stackOrEmpty(ctx, scans.get(j), 0, scanTypes[j], "scan output " + j));
      }
    }
  }
}
