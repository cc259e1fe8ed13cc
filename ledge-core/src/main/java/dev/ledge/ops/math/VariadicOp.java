package dev.ledge.ops.math;

import dev.ledge.graph.Shape;
import dev.ledge.kernels.FloatBinaryKernel;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.VectorElementwise;
import dev.ledge.ops.ExecContext;
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
      Tensor first = exec.input(0);
      DType dt = first.dtype();
      for (int i = 1; i < count; i++) {
        ElementTypes.requireRuntimeType(exec, dt, exec.input(i));
      }
      Runs p = exec.kernelState() instanceof Runs r && r.fits(exec) ? r : plan(exec, broadcasting);
      Tensor out = exec.output(0, dt, p.out);
      if (count == 1) {
        out.copyFrom(first);
        return;
      }
      Object z = out.array();
      int oo = out.offset();
      for (int i = 1; i < count; i++) {
        // The first step combines inputs 0 and 1; later steps fold input i into the output.
        Tensor a = i == 1 ? first : out;
        Tensor b = exec.input(i);
        Object x = a.array();
        Object y = b.array();
        int ao = a.offset();
        int bo = b.offset();
        BroadcastRuns.Walk w = p.walks[i - 1];
        for (w.start(); w.next(); ) {
          int ai = ao + w.offset(0);
          int bi = bo + w.offset(1);
          int o = oo + w.out();
          if (simd != null && dt == DType.FLOAT32) {
            simd.apply(
                (float[]) x, ai, w.step(0), (float[]) y, bi, w.step(1), (float[]) z, o, w.length());
          } else {
            ElementLoops.binary(fn, dt, x, ai, w.step(0), y, bi, w.step(1), z, o, w.length());
          }
        }
      }
      if (divide != null) {
        UnaryOp.apply(divide, simdDivide, out, out);
      }
    };
  }

  /** Output shape and one walk per folding step, for given input shapes (the kernel's state). */
  private static final class Runs {
    final int[][] inputs;
    final int[] out;
    final BroadcastRuns.Walk[] walks;

    Runs(int[][] inputs, int[] out) {
      this.inputs = inputs;
      this.out = out;
      this.walks = new BroadcastRuns.Walk[Math.max(0, inputs.length - 1)];
      for (int i = 1; i < inputs.length; i++) {
        walks[i - 1] = new BroadcastRuns.Walk(out, i == 1 ? inputs[0] : out, inputs[i]);
      }
    }

    boolean fits(ExecContext exec) {
      for (int i = 0; i < inputs.length; i++) {
        if (!exec.input(i).hasShape(inputs[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private static Runs plan(ExecContext exec, boolean broadcasting) {
    int count = exec.inputCount();
    Tensor[] in = new Tensor[count];
    int[][] shapes = new int[count][];
    for (int i = 0; i < count; i++) {
      in[i] = exec.input(i);
      shapes[i] = in[i].shape();
    }
    int[] outShape;
    if (broadcasting) {
      outShape = ElementTypes.broadcast(exec, in);
    } else {
      outShape = shapes[0];
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
    Runs r = new Runs(shapes, outShape);
    exec.setKernelState(r);
    return r;
  }
}
