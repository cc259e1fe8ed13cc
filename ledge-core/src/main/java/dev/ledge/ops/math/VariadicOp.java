package dev.ledge.ops.math;

import dev.ledge.graph.Shape;
import dev.ledge.kernels.FloatBinaryKernel;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.VectorElementwise;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.Set;

/**
 * Max, Min, Sum and Mean: fold one or more inputs of one element type elementwise, left to right,
 * rounding to the element type after each step as the reference does. From opset 8 the inputs
 * broadcast numpy-style; before, they must all have the same shape. Mean divides the sum by the
 * number of inputs.
 */
final class VariadicOp implements Operator {
  private final Set<DType> types;
  private final BinaryFn fn;
  private final boolean mean;

  VariadicOp(Set<DType> types, BinaryFn fn, boolean mean) {
    this.types = types;
    this.fn = fn;
    this.mean = mean;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    int count = ctx.inputCount();
    if (count < 1) {
      throw ctx.error("needs at least one input");
    }
    int[] all = new int[count];
    for (int i = 0; i < count; i++) {
      all[i] = i;
    }
    DType t = ElementTypes.requireSame(ctx, types, all);
    boolean broadcasting = ctx.opsetVersion() >= 8;
    Shape shape;
    if (broadcasting) {
      shape = ElementTypes.broadcastShape(ctx, all);
    } else {
      shape = ctx.inputShape(0);
      for (int i = 1; i < count; i++) {
        Shape s = ctx.inputShape(i);
        if (shape != null && s != null && shape.isStatic() && s.isStatic() && !shape.equals(s)) {
          throw ctx.error(
              "inputs must have the same shape before opset 8, got " + shape + " and " + s);
        }
      }
    }
    ctx.setOutput(0, t, shape);
    // Input 0 is read only by the first pass (out = in0 + in1); later passes fold into out.
    ctx.allowInPlace(0, 0);
    FloatBinaryKernel simd = BinaryOp.simd32(fn, t);
    // x / count in float equals the reference's double quotient rounded (count is exact in float).
    float[] countArray = {count};
    UnaryFn divide =
        mean
            ? UnaryFn.real(x -> x / count)
                .withSimd32(
                    () ->
                        (x, xo, z, zo, n) ->
                            VectorElementwise.div(x, xo, 1, countArray, 0, 0, z, zo, n))
            : null;
    FloatUnaryKernel simdDivide = divide == null ? null : UnaryOp.simd32(divide, t);
    return exec -> {
      Tensor[] in = new Tensor[count];
      for (int i = 0; i < count; i++) {
        in[i] = exec.input(i);
      }
      DType dt = in[0].dtype();
      ElementTypes.requireRuntimeType(exec, dt, in);
      int[] outShape;
      if (broadcasting) {
        outShape = ElementTypes.broadcast(exec, in);
      } else {
        outShape = in[0].shape();
        for (Tensor x : in) {
          if (!x.hasShape(outShape)) {
            throw exec.error(
                "inputs must have the same shape before opset 8, got "
                    + Arrays.toString(outShape)
                    + " and "
                    + Arrays.toString(x.shape()));
          }
        }
      }
      Tensor out = exec.output(0, dt, outShape);
      Object z = out.array();
      int oo = out.offset();
      if (count == 1) {
        out.copyFrom(in[0]);
        return;
      }
      for (int i = 1; i < count; i++) {
        // The first step combines inputs 0 and 1; later steps fold input i into the output.
        Tensor a = i == 1 ? in[0] : out;
        Tensor b = in[i];
        Object x = a.array();
        Object y = b.array();
        int ao = a.offset();
        int bo = b.offset();
        if (simd != null && dt == DType.FLOAT32) {
          BinaryOp.runFloat32(
              simd,
              outShape,
              a.shape(),
              (float[]) x,
              ao,
              b.shape(),
              (float[]) y,
              bo,
              (float[]) z,
              oo);
        } else {
          BroadcastRuns.binary(
              outShape,
              a.shape(),
              b.shape(),
              (ai, as, bi, bs, o, n) ->
                  ElementLoops.binary(fn, dt, x, ao + ai, as, y, bo + bi, bs, z, oo + o, n));
        }
      }
      if (divide != null) {
        UnaryOp.apply(divide, simdDivide, out, out);
      }
    };
  }
}
