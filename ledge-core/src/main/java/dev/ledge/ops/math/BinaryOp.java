package dev.ledge.ops.math;

import dev.ledge.graph.Shape;
import dev.ledge.kernels.FloatBinaryKernel;
import dev.ledge.kernels.KernelProvider;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.Set;

/**
 * An elementwise operator of two inputs of one element type, whose output has that type (Add, Mod,
 * BitShift, And, PRelu, ...). Broadcasting is numpy-style, or unidirectional (B to A's shape, for
 * PRelu), or the attribute-driven rule of opsets before 7 ({@link LegacyBroadcast}).
 */
final class BinaryOp implements Operator {
  /** Builds a node's function from its attributes and input type (null if unknown). */
  @FunctionalInterface
  interface Factory {
    BinaryFn create(OpContext ctx, DType type);
  }

  private final Set<DType> types;
  private final Factory factory;
  private final boolean unidirectional;

  private BinaryOp(Set<DType> types, Factory factory, boolean unidirectional) {
    this.types = types;
    this.factory = factory;
    this.unidirectional = unidirectional;
  }

  /** An operator with multidirectional (numpy) broadcasting. */
  static BinaryOp of(Set<DType> types, Factory factory) {
    return new BinaryOp(types, factory, false);
  }

  /** An operator with multidirectional (numpy) broadcasting computing {@code fn}. */
  static BinaryOp of(Set<DType> types, BinaryFn fn) {
    return new BinaryOp(types, (ctx, t) -> fn, false);
  }

  /** An operator whose second input broadcasts to the first's shape (PRelu's slope). */
  static BinaryOp unidirectional(Set<DType> types, BinaryFn fn) {
    return new BinaryOp(types, (ctx, t) -> fn, true);
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType t = ElementTypes.requireSame(ctx, types, 0, 1);
    BinaryFn fn = factory.create(ctx, t);
    FloatBinaryKernel simd = simd32(fn, t);
    LegacyBroadcast legacy = unidirectional ? null : LegacyBroadcast.forNode(ctx);
    // Before opset 7 PRelu shared a one-element slope across every element, whatever its rank.
    boolean scalarSlope = unidirectional && ctx.opsetVersion() < 7;
    Shape outShape;
    if (legacy != null) {
      outShape = ctx.inputShape(0);
    } else if (unidirectional) {
      outShape = ctx.inputShape(0);
      Shape both = ElementTypes.broadcastShape(ctx, 0, 1);
      if (!scalarSlope
          && outShape != null
          && both != null
          && outShape.isStatic()
          && both.isStatic()
          && !outShape.equals(both)) {
        throw ctx.error(
            "input 1 of shape "
                + ctx.inputShape(1)
                + " does not broadcast to input 0's shape "
                + outShape);
      }
    } else {
      outShape = ElementTypes.broadcastShape(ctx, 0, 1);
    }
    ctx.setOutput(0, t, outShape);
    // An operand of the output's shape is read at the output's index, whatever the other does.
    ctx.allowInPlace(0, 0);
    ctx.allowInPlace(1, 0);
    return exec -> {
      Tensor a = exec.input(0);
      Tensor b = exec.input(1);
      DType dt = a.dtype();
      ElementTypes.requireRuntimeType(exec, dt, b);
      BinaryBroadcast p = BinaryBroadcast.cached(exec, a, b);
      if (p == null) {
        p = plan(exec, a, b, legacy, unidirectional, scalarSlope);
      }
      Tensor out = exec.output(0, dt, p.out);
      Object x = a.array();
      Object y = b.array();
      Object z = out.array();
      int ao = a.offset();
      int bo = b.offset();
      int oo = out.offset();
      boolean simd32 = simd != null && dt == DType.FLOAT32;
      BroadcastRuns.Walk w = p.walk;
      for (w.start(); w.next(); ) {
        int ai = ao + w.offset(0);
        int bi = bo + w.offset(1);
        int o = oo + w.out();
        if (simd32) {
          simd.apply(
              (float[]) x, ai, w.step(0), (float[]) y, bi, w.step(1), (float[]) z, o, w.length());
        } else {
          ElementLoops.binary(fn, dt, x, ai, w.step(0), y, bi, w.step(1), z, o, w.length());
        }
      }
    };
  }

  /** Output shape and walk for these input shapes under the node's broadcasting rule. */
  private static BinaryBroadcast plan(
      ExecContext exec,
      Tensor a,
      Tensor b,
      LegacyBroadcast legacy,
      boolean unidirectional,
      boolean scalarSlope) {
    int[] aShape = a.shape();
    int[] bShape = b.shape();
    int[] shape;
    if (legacy != null) {
      bShape = legacy.alignB(exec, aShape, bShape);
      shape = aShape;
    } else if (unidirectional) {
      if (scalarSlope && b.size() == 1) {
        bShape = new int[0];
      }
      int[] both = Shapes.broadcastOrNull(aShape, bShape);
      if (!Arrays.equals(both, aShape)) {
        throw exec.error(
            "input 1 of shape "
                + Arrays.toString(bShape)
                + " does not broadcast to input 0's shape "
                + Arrays.toString(aShape));
      }
      shape = aShape;
    } else {
      shape = ElementTypes.broadcast(exec, a, b);
    }
    return BinaryBroadcast.keep(exec, a, b, shape, aShape, bShape);
  }

  /**
   * Runs a float32 kernel over the broadcast of a and b into z. Equal shapes and a one-element
   * operand (the common cases) call the kernel once, without the run walker and its allocations.
   */
  static void runFloat32(
      FloatBinaryKernel k,
      int[] shape,
      int[] aShape,
      float[] x,
      int ao,
      int[] bShape,
      float[] y,
      int bo,
      float[] z,
      int oo) {
    int n = Shapes.size(shape);
    boolean aFull = Arrays.equals(aShape, shape);
    boolean bFull = Arrays.equals(bShape, shape);
    if (aFull && (bFull || Shapes.size(bShape) == 1)) {
      k.apply(x, ao, 1, y, bo, bFull ? 1 : 0, z, oo, n);
    } else if (bFull && Shapes.size(aShape) == 1) {
      k.apply(x, ao, 0, y, bo, 1, z, oo, n);
    } else {
      BroadcastRuns.binary(
          shape,
          aShape,
          bShape,
          (ai, as, bi, bs, o, len) -> k.apply(x, ao + ai, as, y, bo + bi, bs, z, oo + o, len));
    }
  }

  /**
   * The SIMD float32 kernel of {@code fn} if SIMD kernels are in use and the inputs may be float32
   * ({@code type} null: unknown until run time), else null.
   */
  static FloatBinaryKernel simd32(BinaryFn fn, DType type) {
    if (fn.simd32() == null
        || (type != null && type != DType.FLOAT32)
        || !KernelProvider.current().simd()) {
      return null;
    }
    return fn.simd32().get();
  }
}
