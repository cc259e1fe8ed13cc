package dev.ledge.ops.ml;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ArrayFeatureExtractor (ai.onnx.ml 1): selects elements along the last axis of X at the given
 * indices. The output keeps X's leading dims and has as many last-axis entries as there are
 * indices; a 1-D X gives a {@code [1, k]} output (as ONNX Runtime and the reference do).
 */
final class ArrayFeatureExtractorOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType t =
        ctx.requireInputType(
            0, DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.INT32, DType.STRING);
    ctx.requireInputType(1, DType.INT64);
    Shape xs = ctx.inputShape(0);
    Shape is = ctx.inputShape(1);
    Shape out = null;
    if (xs != null) {
      if (xs.rank() == 0) {
        throw ctx.error("input X is a scalar, expected at least one dimension");
      }
      Dim k = Dim.unknown();
      if (is != null && is.isStatic()) {
        long n = 1;
        for (Dim d : is.dims()) {
          n *= d.value();
        }
        k = Dim.of(n);
      }
      List<Dim> dims = new ArrayList<>();
      if (xs.rank() == 1) {
        dims.add(Dim.of(1));
      } else {
        dims.addAll(xs.dims().subList(0, xs.rank() - 1));
      }
      dims.add(k);
      out = new Shape(dims);
    }
    ctx.setOutput(0, t, out);
    return exec -> {
      Tensor x = exec.input(0);
      Tensor idx = exec.input(1);
      int[] shape = x.shape();
      if (shape.length == 0) {
        throw exec.error("input X is a scalar, expected at least one dimension");
      }
      int last = shape[shape.length - 1];
      int k = idx.size();
      long[] ind = idx.longs();
      for (int j = 0; j < k; j++) {
        long v = ind[idx.offset() + j];
        if (v < 0 || v >= last) {
          throw exec.error(
              "index " + v + " is out of range for the last axis of X (size " + last + ")");
        }
      }
      int rows = last == 0 ? 0 : x.size() / last;
      if (last == 0) {
        rows = 1;
        for (int d = 0; d < shape.length - 1; d++) {
          rows *= shape[d];
        }
      }
      int[] outShape;
      if (shape.length == 1) {
        outShape = new int[] {1, k};
      } else {
        outShape = Arrays.copyOf(shape, shape.length);
        outShape[shape.length - 1] = k;
      }
      Tensor y = exec.output(0, x.dtype(), outShape);
      switch (x.dtype()) {
        case FLOAT32 -> {
          float[] a = x.floats();
          float[] b = y.floats();
          for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
              b[y.offset() + r * k + j] = a[x.offset() + r * last + (int) ind[idx.offset() + j]];
            }
          }
        }
        case STRING -> {
          String[] a = x.strings();
          String[] b = y.strings();
          for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
              b[y.offset() + r * k + j] = a[x.offset() + r * last + (int) ind[idx.offset() + j]];
            }
          }
        }
        case FLOAT64 -> {
          double[] a = x.doubles();
          double[] b = y.doubles();
          for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
              b[y.offset() + r * k + j] = a[x.offset() + r * last + (int) ind[idx.offset() + j]];
            }
          }
        }
        default -> {
          for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
              y.setLong(r * k + j, x.getLong(r * last + (int) ind[idx.offset() + j]));
            }
          }
        }
      }
    };
  }
}
