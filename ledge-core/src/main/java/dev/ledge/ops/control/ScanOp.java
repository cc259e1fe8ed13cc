package dev.ledge.ops.control;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Graph;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.kernels.AxisCopy;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.Subgraph;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Scan. From opset 9: inputs are N state values then M scan inputs, each scanned along its {@code
 * scan_input_axes} entry in its {@code scan_input_directions} direction; scan outputs are stacked
 * along {@code scan_output_axes} in {@code scan_output_directions} order. Opset 8: an optional
 * {@code sequence_lens} input first, every input has a leading batch dim, scan inputs are scanned
 * along axis 1 ({@code directions}), each batch row runs its own length and the scan outputs are
 * zero past it (as ONNX Runtime does).
 */
final class ScanOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    Graph body = ctx.attrGraph("body");
    if (body == null) {
      throw ctx.error("missing required attribute 'body'");
    }
    long m = ctx.requireAttr("num_scan_inputs").asInt();
    boolean v8 = ctx.opsetVersion() < 9;
    int first = v8 ? 1 : 0;
    int variadic = ctx.inputCount() - first;
    if (m < 1 || m > variadic) {
      throw ctx.error(
          "attribute num_scan_inputs is "
              + m
              + ", expected 1.."
              + variadic
              + " (the number of state and scan inputs)");
    }
    int numScan = (int) m;
    int n = variadic - numScan;
    if (body.inputs().size() != variadic) {
      throw ctx.error("body takes " + body.inputs().size() + " inputs, the node gives " + variadic);
    }
    int k = body.outputs().size() - n;
    if (k < 0) {
      throw ctx.error(
          "body returns "
              + body.outputs().size()
              + " outputs, expected at least "
              + n
              + " (the state values)");
    }
    if (ctx.outputCount() > n + k) {
      throw ctx.error("has " + ctx.outputCount() + " outputs, the body gives " + (n + k));
    }
    for (int i = 0; i < variadic; i++) {
      if (!ctx.hasInput(first + i)) {
        throw ctx.error("input " + (first + i) + " is empty");
      }
      ValueType t = ctx.inputType(first + i);
      if (t != null && !(t instanceof ValueType.TensorType)) {
        throw ctx.error("input " + (first + i) + " is " + t + ", expected a tensor");
      }
    }
    if (v8 && ctx.hasInput(0)) {
      ctx.requireInputType(0, DType.INT64);
    }
    int[] inDirs = flags(ctx, v8 ? "directions" : "scan_input_directions", numScan);
    long[] inAxes = v8 ? new long[numScan] : ints(ctx, "scan_input_axes", numScan);
    int[] outDirs = v8 ? new int[k] : flags(ctx, "scan_output_directions", k);
    long[] outAxes = v8 ? new long[k] : ints(ctx, "scan_output_axes", k);

    // Formal types: states keep only their dtype (their shape may change); a scan input's slice
    // has the input's shape without the scanned axis (and, for opset 8, the batch axis).
    List<ValueType> formal = new ArrayList<>(variadic);
    Dim seqDim = Dim.unknown();
    for (int i = 0; i < variadic; i++) {
      ValueType.TensorType t = (ValueType.TensorType) ctx.inputType(first + i);
      DType dt = t == null ? null : t.dtype();
      Shape s = t == null ? null : t.shape();
      if (i < n) {
        formal.add(new ValueType.TensorType(dt, null));
        continue;
      }
      Shape slice = null;
      if (v8) {
        slice = ControlTypes.removeDim(ControlTypes.removeDim(s, 0), 0);
        if (s != null && s.rank() >= 2) {
          seqDim = s.dim(1);
        }
      } else if (s != null) {
        long a = inAxes[i - n];
        if (a < -s.rank() || a >= s.rank()) {
          throw ctx.error(
              "scan_input_axes["
                  + (i - n)
                  + "] is "
                  + a
                  + ", out of range for input rank "
                  + s.rank());
        }
        int axis = (int) (a < 0 ? a + s.rank() : a);
        slice = ControlTypes.removeDim(s, axis);
        if (i == n) {
          seqDim = s.dim(axis);
        }
      }
      formal.add(new ValueType.TensorType(dt, slice));
    }
    Subgraph sub = ctx.prepareSubgraph(body, formal);
    List<ValueType> outTypes = sub.outputTypes();
    for (int i = 0; i < n && i < ctx.outputCount(); i++) {
      ValueType in = ctx.inputType(first + i);
      ctx.setOutputType(i, v8 ? in : ControlTypes.union(in, outTypes.get(i)));
    }
    ValueType[] scanTypes = new ValueType[k];
    for (int j = 0; j < k; j++) {
      ValueType t = outTypes.get(n + j);
      if (t != null && !(t instanceof ValueType.TensorType)) {
        throw ctx.error("body scan output " + j + " is " + t + ", expected a tensor");
      }
      scanTypes[j] = t;
      if (n + j >= ctx.outputCount()) {
        continue;
      }
      ValueType.TensorType tt = (ValueType.TensorType) t;
      Shape s = tt == null ? null : tt.shape();
      Shape outShape;
      if (v8) {
        outShape = ControlTypes.insertDim(ControlTypes.insertDim(s, 0, seqDim), 0, Dim.unknown());
      } else {
        outShape = null;
        if (s != null) {
          int rank = s.rank() + 1;
          long a = outAxes[j];
          if (a < -rank || a >= rank) {
            throw ctx.error(
                "scan_output_axes[" + j + "] is " + a + ", out of range for output rank " + rank);
          }
          outShape = ControlTypes.insertDim(s, (int) (a < 0 ? a + rank : a), seqDim);
        }
      }
      ctx.setOutputType(n + j, new ValueType.TensorType(tt == null ? null : tt.dtype(), outShape));
    }
    int outputs = ctx.outputCount();
    if (v8) {
      return exec -> runV8(exec, sub, n, numScan, k, outputs, inDirs, scanTypes);
    }
    return exec ->
        run(exec, sub, n, numScan, k, outputs, inDirs, inAxes, outDirs, outAxes, scanTypes);
  }

  private static int[] flags(OpContext ctx, String name, int count) {
    long[] v = ctx.attrInts(name, new long[count]);
    if (v.length != count) {
      throw ctx.error("attribute " + name + " has " + v.length + " entries, expected " + count);
    }
    int[] r = new int[count];
    for (int i = 0; i < count; i++) {
      if (v[i] != 0 && v[i] != 1) {
        throw ctx.error(name + "[" + i + "] is " + v[i] + ", expected 0 (forward) or 1 (reverse)");
      }
      r[i] = (int) v[i];
    }
    return r;
  }

  private static long[] ints(OpContext ctx, String name, int count) {
    long[] v = ctx.attrInts(name, new long[count]);
    if (v.length != count) {
      throw ctx.error("attribute " + name + " has " + v.length + " entries, expected " + count);
    }
    return v;
  }

  private static void run(
      ExecContext ctx,
      Subgraph body,
      int n,
      int numScan,
      int k,
      int outputs,
      int[] inDirs,
      long[] inAxes,
      int[] outDirs,
      long[] outAxes,
      ValueType[] scanTypes) {
    Object[] states = new Object[n];
    for (int i = 0; i < n; i++) {
      states[i] = ctx.input(i);
    }
    Tensor[] scanIn = new Tensor[numScan];
    int[] axes = new int[numScan];
    int length = -1;
    for (int j = 0; j < numScan; j++) {
      Tensor t = ctx.input(n + j);
      long a = inAxes[j];
      if (a < -t.rank() || a >= t.rank()) {
        throw ctx.error(
            "scan_input_axes["
                + j
                + "] is "
                + a
                + ", out of range for input of shape "
                + Arrays.toString(t.shape()));
      }
      axes[j] = (int) (a < 0 ? a + t.rank() : a);
      int len = t.dim(axes[j]);
      if (length >= 0 && len != length) {
        throw ctx.error(
            "scan input "
                + j
                + " has length "
                + len
                + " along its axis, scan input 0 has "
                + length);
      }
      length = len;
      scanIn[j] = t;
    }
    List<List<Tensor>> collected = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      collected.add(new ArrayList<>(length));
    }
    Object[] in = new Object[n + numScan];
    for (int t = 0; t < length; t++) {
      System.arraycopy(states, 0, in, 0, n);
      for (int j = 0; j < numScan; j++) {
        in[n + j] = AxisCopy.take(scanIn[j], axes[j], inDirs[j] == 1 ? length - 1 - t : t);
      }
      Object[] out = body.run(ctx, in);
      for (int i = 0; i < n; i++) {
        states[i] = requireTensor(ctx, out[i], "state output " + i);
      }
      for (int j = 0; j < k; j++) {
        collected.get(j).add(requireTensor(ctx, out[n + j], "scan output " + j));
      }
    }
    for (int i = 0; i < n && i < outputs; i++) {
      ctx.setOutput(i, states[i]);
    }
    for (int j = 0; j < k && n + j < outputs; j++) {
      if (!ctx.hasOutput(n + j)) {
        continue;
      }
      List<Tensor> items = collected.get(j);
      if (outDirs[j] == 1) {
        Collections.reverse(items);
      }
      int rank = items.isEmpty() ? rankOf(scanTypes[j]) + 1 : items.get(0).rank() + 1;
      long a = outAxes[j];
      if (rank > 0 && (a < -rank || a >= rank)) {
        throw ctx.error("scan_output_axes[" + j + "] is " + a + ", out of range for rank " + rank);
      }
      int axis = (int) (a < 0 ? a + rank : a);
      ctx.setOutput(
          n + j, ControlTypes.stackOrEmpty(ctx, items, axis, scanTypes[j], "scan output " + j));
    }
  }

  private static int rankOf(ValueType t) {
    return t instanceof ValueType.TensorType tt && tt.shape() != null ? tt.shape().rank() : 0;
  }

  private static void runV8(
      ExecContext ctx,
      Subgraph body,
      int n,
      int numScan,
      int k,
      int outputs,
      int[] inDirs,
      ValueType[] scanTypes) {
    int batch = -1;
    int length = -1;
    Tensor[] inputs = new Tensor[n + numScan];
    for (int i = 0; i < n + numScan; i++) {
      Tensor t = ctx.input(1 + i);
      boolean scan = i >= n;
      if (t.rank() < (scan ? 2 : 1)) {
        throw ctx.error(
            "input "
                + (1 + i)
                + " has shape "
                + Arrays.toString(t.shape())
                + ", expected a batch"
                + (scan ? " and a sequence dim" : " dim"));
      }
      if (batch >= 0 && t.dim(0) != batch) {
        throw ctx.error("input " + (1 + i) + " has batch size " + t.dim(0) + ", expected " + batch);
      }
      batch = t.dim(0);
      if (scan) {
        if (length >= 0 && t.dim(1) != length) {
          throw ctx.error(
              "input " + (1 + i) + " has sequence length " + t.dim(1) + ", expected " + length);
        }
        length = t.dim(1);
      }
      inputs[i] = t;
    }
    int[] lens = new int[batch];
    Arrays.fill(lens, length);
    Tensor seqLens = ctx.input(0);
    if (seqLens != null) {
      if (seqLens.size() != batch) {
        throw ctx.error(
            "sequence_lens has " + seqLens.size() + " entries, the batch size is " + batch);
      }
      for (int b = 0; b < batch; b++) {
        long v = seqLens.getLong(b);
        if (v < 0 || v > length) {
          throw ctx.error("sequence_lens[" + b + "] is " + v + ", expected 0.." + length);
        }
        lens[b] = (int) v;
      }
    }
    List<List<Tensor>> finalStates = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      finalStates.add(new ArrayList<>(batch));
    }
    List<List<List<Tensor>>> scanRows = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      scanRows.add(new ArrayList<>(batch));
    }
    int[][] elementShape = new int[k][];
    DType[] elementType = new DType[k];
    Object[] in = new Object[n + numScan];
    for (int b = 0; b < batch; b++) {
      Object[] states = new Object[n];
      for (int i = 0; i < n; i++) {
        states[i] = AxisCopy.take(inputs[i], 0, b);
      }
      Tensor[] rows = new Tensor[numScan];
      for (int j = 0; j < numScan; j++) {
        rows[j] = AxisCopy.take(inputs[n + j], 0, b);
      }
      List<List<Tensor>> steps = new ArrayList<>(k);
      for (int j = 0; j < k; j++) {
        steps.add(new ArrayList<>(length));
      }
      int len = lens[b];
      for (int s = 0; s < len; s++) {
        System.arraycopy(states, 0, in, 0, n);
        for (int j = 0; j < numScan; j++) {
          in[n + j] = AxisCopy.take(rows[j], 0, inDirs[j] == 1 ? len - 1 - s : s);
        }
        Object[] out = body.run(ctx, in);
        for (int i = 0; i < n; i++) {
          states[i] = requireTensor(ctx, out[i], "state output " + i);
        }
        for (int j = 0; j < k; j++) {
          Tensor t = requireTensor(ctx, out[n + j], "scan output " + j);
          steps.get(j).add(t);
          elementShape[j] = t.shape();
          elementType[j] = t.dtype();
        }
      }
      for (int i = 0; i < n; i++) {
        finalStates.get(i).add((Tensor) states[i]);
      }
      for (int j = 0; j < k; j++) {
        scanRows.get(j).add(steps.get(j));
      }
    }
    for (int i = 0; i < n && i < outputs; i++) {
      if (ctx.hasOutput(i)) {
        ctx.setOutput(i, batch == 0 ? inputs[i] : AxisCopy.stack(finalStates.get(i), 0));
      }
    }
    for (int j = 0; j < k && n + j < outputs; j++) {
      if (!ctx.hasOutput(n + j)) {
        continue;
      }
      if (elementShape[j] == null) {
        // No step ran: the output holds no computed values; it still needs its full shape.
        Tensor probe =
            ControlTypes.stackOrEmpty(ctx, List.of(), 0, scanTypes[j], "scan output " + j);
        int[] elem = AxisCopy.removeAxis(probe.shape(), 0);
        if (batch > 0 && length > 0 && !knownShape(scanTypes[j])) {
          throw ctx.error("scan output " + j + " has no computed step and its shape is unknown");
        }
        int[] shape = AxisCopy.insertAxis(AxisCopy.insertAxis(elem, 0, length), 0, batch);
        ctx.setOutput(n + j, Tensor.allocate(probe.dtype(), shape));
        continue;
      }
      List<Tensor> perBatch = new ArrayList<>(batch);
      for (List<Tensor> steps : scanRows.get(j)) {
        List<Tensor> padded = new ArrayList<>(steps);
        while (padded.size() < length) {
          padded.add(Tensor.allocate(elementType[j], elementShape[j]));
        }
        perBatch.add(AxisCopy.stack(padded, 0));
      }
      ctx.setOutput(n + j, AxisCopy.stack(perBatch, 0));
    }
  }

  private static boolean knownShape(ValueType t) {
    return t instanceof ValueType.TensorType tt && tt.shape() != null && tt.shape().isStatic();
  }

  private static Tensor requireTensor(ExecContext ctx, Object v, String what) {
    if (v instanceof Tensor t) {
      return t;
    }
    throw ctx.error("body " + what + " is " + v + ", expected a tensor");
  }
}
