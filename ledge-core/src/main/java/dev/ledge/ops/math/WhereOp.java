package dev.ledge.ops.math;

import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.VectorElementwise;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Where: picks X where the bool condition is true and Y elsewhere, all three broadcast together
 * numpy-style. X and Y may have any element type.
 */
final class WhereOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    ElementTypes.require(ctx, 0, ElementTypes.BOOL);
    for (int i = 1; i < 3; i++) {
      if (!ctx.hasInput(i)) {
        throw ctx.error("input " + i + " is required");
      }
    }
    DType x = ctx.inputDType(1);
    DType y = ctx.inputDType(2);
    if (x != null && y != null && x != y) {
      throw ctx.error("inputs 1 and 2 must have the same element type, got " + x + " and " + y);
    }
    DType t = x != null ? x : y;
    ctx.setOutput(0, t, ElementTypes.broadcastShape(ctx, 0, 1, 2));
    ctx.allowInPlace(1, 0);
    ctx.allowInPlace(2, 0);
    boolean simd = KernelProvider.current().simd() && (t == null || t == DType.FLOAT32);
    return exec -> {
      Tensor c = exec.input(0);
      Tensor a = exec.input(1);
      Tensor b = exec.input(2);
      DType dt = a.dtype();
      ElementTypes.requireRuntimeType(exec, dt, b);
      if (c.dtype() != DType.BOOL) {
        throw exec.error("condition must be bool, got " + c.dtype());
      }
      Runs p =
          exec.kernelState() instanceof Runs k
                  && c.hasShape(k.c)
                  && a.hasShape(k.a)
                  && b.hasShape(k.b)
              ? k
              : runs(exec, c, a, b);
      BroadcastRuns.Walk wk = p.walk;
      Tensor out = exec.output(0, dt, p.out);
      byte[] cond = c.bytes();
      int co = c.offset();
      if (dt.packed()) {
        // Several elements share a byte: copy element codes one at a time.
        for (wk.start(); wk.next(); ) {
          int ci = wk.offset(0);
          int ai = wk.offset(1);
          int bi = wk.offset(2);
          int o = wk.out();
          for (int k = 0;
              k < wk.length();
              k++, ci += wk.step(0), ai += wk.step(1), bi += wk.step(2)) {
            out.setRawBits(o + k, cond[co + ci] != 0 ? a.rawBits(ai) : b.rawBits(bi));
          }
        }
        return;
      }
      int ao = a.offset();
      int bo = b.offset();
      int oo = out.offset();
      Object xs = a.array();
      Object ys = b.array();
      Object zs = out.array();
      boolean simd32 = simd && dt == DType.FLOAT32;
      int w = (int) dt.slotsFor(1); // 2 storage slots per complex element
      for (wk.start(); wk.next(); ) {
        if (simd32) {
          VectorElementwise.where(
              cond,
              co + wk.offset(0),
              wk.step(0),
              (float[]) xs,
              ao + wk.offset(1),
              wk.step(1),
              (float[]) ys,
              bo + wk.offset(2),
              wk.step(2),
              (float[]) zs,
              oo + wk.out(),
              wk.length());
        } else {
          select(
              cond,
              co + wk.offset(0),
              wk.step(0),
              xs,
              ao,
              wk.offset(1),
              wk.step(1),
              ys,
              bo,
              wk.offset(2),
              wk.step(2),
              zs,
              oo,
              wk.out(),
              wk.length(),
              w);
        }
      }
    };
  }

  /** Output shape and walk for given input shapes (the node's state between runs). */
  private static final class Runs {
    final int[] c;
    final int[] a;
    final int[] b;
    final int[] out;
    final BroadcastRuns.Walk walk;

    Runs(int[] c, int[] a, int[] b, int[] out) {
      this.c = c;
      this.a = a;
      this.b = b;
      this.out = out;
      this.walk = new BroadcastRuns.Walk(out, c, a, b);
    }
  }

  private static Runs runs(ExecContext exec, Tensor c, Tensor a, Tensor b) {
    Runs r = new Runs(c.shape(), a.shape(), b.shape(), ElementTypes.broadcast(exec, c, a, b));
    exec.setKernelState(r);
    return r;
  }

  /**
   * Writes n elements: x or y by the condition. Element indices (ai, bi, o) are relative to the
   * storage offsets (ao, bo, oo); each element spans w storage slots.
   */
  private static void select(
      byte[] c,
      int ci,
      int cs,
      Object x,
      int ao,
      int ai,
      int as,
      Object y,
      int bo,
      int bi,
      int bs,
      Object z,
      int oo,
      int o,
      int n,
      int w) {
    if (w != 1) {
      for (int k = 0; k < n; k++, ci += cs, ai += as, bi += bs) {
        boolean pick = c[ci] != 0;
        System.arraycopy(pick ? x : y, pick ? ao + ai * w : bo + bi * w, z, oo + (o + k) * w, w);
      }
      return;
    }
    int i = ao + ai;
    int j = bo + bi;
    int zo = oo + o;
    switch (z) {
      case float[] out -> {
        float[] p = (float[]) x;
        float[] q = (float[]) y;
        for (int k = 0; k < n; k++, ci += cs, i += as, j += bs) {
          out[zo + k] = c[ci] != 0 ? p[i] : q[j];
        }
      }
      case double[] out -> {
        double[] p = (double[]) x;
        double[] q = (double[]) y;
        for (int k = 0; k < n; k++, ci += cs, i += as, j += bs) {
          out[zo + k] = c[ci] != 0 ? p[i] : q[j];
        }
      }
      case byte[] out -> {
        byte[] p = (byte[]) x;
        byte[] q = (byte[]) y;
        for (int k = 0; k < n; k++, ci += cs, i += as, j += bs) {
          out[zo + k] = c[ci] != 0 ? p[i] : q[j];
        }
      }
      case short[] out -> {
        short[] p = (short[]) x;
        short[] q = (short[]) y;
        for (int k = 0; k < n; k++, ci += cs, i += as, j += bs) {
          out[zo + k] = c[ci] != 0 ? p[i] : q[j];
        }
      }
      case int[] out -> {
        int[] p = (int[]) x;
        int[] q = (int[]) y;
        for (int k = 0; k < n; k++, ci += cs, i += as, j += bs) {
          out[zo + k] = c[ci] != 0 ? p[i] : q[j];
        }
      }
      case long[] out -> {
        long[] p = (long[]) x;
        long[] q = (long[]) y;
        for (int k = 0; k < n; k++, ci += cs, i += as, j += bs) {
          out[zo + k] = c[ci] != 0 ? p[i] : q[j];
        }
      }
      case String[] out -> {
        String[] p = (String[]) x;
        String[] q = (String[]) y;
        for (int k = 0; k < n; k++, ci += cs, i += as, j += bs) {
          out[zo + k] = c[ci] != 0 ? p[i] : q[j];
        }
      }
      default -> throw new IllegalStateException("unexpected storage " + z.getClass());
    }
  }
}
