package dev.ledge.ops.sequence;

import dev.ledge.graph.Graph;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.Subgraph;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * SequenceMap (opset 17): runs {@code body} once per element of the input sequence. Each call gets
 * element {@code i} of every sequence input (all of the same length) and every tensor input whole;
 * output {@code k} collects the body's output {@code k} of every call.
 */
final class SequenceMapOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    int n = ctx.inputCount();
    if (n < 1 || !ctx.hasInput(0)) {
      throw ctx.error("needs an input sequence");
    }
    Graph body = ctx.attrGraph("body");
    if (body == null) {
      throw ctx.error("missing required attribute 'body'");
    }
    if (body.inputs().size() != n) {
      throw ctx.error(
          "body takes " + body.inputs().size() + " inputs, the node has " + n + " inputs");
    }
    if (body.outputs().size() != ctx.outputCount()) {
      throw ctx.error(
          "body has " + body.outputs().size() + " outputs, the node has " + ctx.outputCount());
    }
    boolean[] isSequence = new boolean[n];
    List<ValueType> formal = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (!ctx.hasInput(i)) {
        throw ctx.error("input " + i + " is empty");
      }
      ValueType t = ctx.inputType(i);
      if (t instanceof ValueType.SequenceType s) {
        isSequence[i] = true;
        formal.add(
            s.element() instanceof ValueType.TensorType e
                ? new ValueType.TensorType(e.dtype(), null)
                : null);
      } else if (i == 0) {
        throw ctx.error("input 0 is " + t + ", expected a sequence");
      } else {
        formal.add(t);
      }
    }
    Subgraph sub = ctx.prepareSubgraph(body, formal);
    List<ValueType> outTypes = sub.outputTypes();
    DType[] outDTypes = new DType[outTypes.size()];
    for (int k = 0; k < outTypes.size(); k++) {
      ValueType t = outTypes.get(k);
      if (t != null && !(t instanceof ValueType.TensorType)) {
        throw ctx.unsupported(
            "body output " + k + " is " + t + "; only tensor outputs are implemented");
      }
      outDTypes[k] = t == null ? null : ((ValueType.TensorType) t).dtype();
      ctx.setOutputType(
          k, new ValueType.SequenceType(t == null ? new ValueType.TensorType(null, null) : t));
    }
    return exec -> {
      TensorSequence first = Sequences.sequence(exec, 0);
      int len = first.size();
      Object[] inputs = new Object[n];
      for (int i = 1; i < n; i++) {
        if (isSequence[i]) {
          TensorSequence s = Sequences.sequence(exec, i);
          if (s.size() != len) {
            throw exec.error("input " + i + " has " + s.size() + " tensors, input 0 has " + len);
          }
        }
      }
      List<List<Tensor>> collected = new ArrayList<>();
      for (int k = 0; k < outDTypes.length; k++) {
        collected.add(new ArrayList<>(len));
      }
      for (int e = 0; e < len; e++) {
        for (int i = 0; i < n; i++) {
          inputs[i] = isSequence[i] ? Sequences.sequence(exec, i).get(e) : exec.inputValue(i);
        }
        Object[] out = sub.run(exec, inputs);
        for (int k = 0; k < outDTypes.length; k++) {
          if (!(out[k] instanceof Tensor t)) {
            throw exec.error(
                "body output " + k + " is " + Sequences.describe(out[k]) + ", expected a tensor");
          }
          collected.get(k).add(t);
        }
      }
      for (int k = 0; k < outDTypes.length; k++) {
        List<Tensor> items = collected.get(k);
        DType dt = items.isEmpty() ? outDTypes[k] : items.get(0).dtype();
        for (Tensor t : items) {
          if (t.dtype() != dt) {
            throw exec.error("body output " + k + " changes type from " + dt + " to " + t.dtype());
          }
        }
        exec.setOutput(k, new TensorSequence(dt, items));
      }
    };
  }
}
