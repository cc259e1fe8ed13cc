package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * BitCast (opset 26): reinterprets the little-endian bytes of each element as another type of the
 * same bit width, shape unchanged. Strings are excluded. A byte reinterpreted as bool must be 0 or
 * 1, the only bool encodings.
 */
final class BitCastOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType from = ctx.requireInputType(0);
    DType to = Args.dtypeAttr(ctx, "to", ctx.requireAttr("to").asInt());
    if (to == DType.STRING || from == DType.STRING) {
      throw ctx.error("BitCast does not apply to strings (input " + from + ", to " + to + ")");
    }
    if (from != null && from.bits() != to.bits()) {
      throw ctx.error(
          "BitCast needs types of the same bit width: input is "
              + from
              + " ("
              + from.bits()
              + " bits), 'to' is "
              + to
              + " ("
              + to.bits()
              + " bits)");
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw ctx.unsupported("BitCast is implemented for little-endian CPUs only");
    }
    ctx.setOutput(0, to, ctx.inputShape(0));
    return exec -> {
      Tensor x = exec.input(0);
      if (x.dtype() == DType.STRING || x.dtype().bits() != to.bits()) {
        throw exec.error("cannot bitcast " + x.dtype() + " to " + to);
      }
      if (x.dtype() == to) {
        exec.setOutput(0, x);
        return;
      }
      Tensor y = exec.outputLike(0, to, x);
      long bytes = to.bytesFor(x.size());
      MemorySegment.copy(segment(x), 0, segment(y), 0, bytes);
      if (to == DType.BOOL) {
        for (int i = 0; i < y.size(); i++) {
          if (y.rawBits(i) > 1) {
            throw exec.error(
                "element "
                    + i
                    + " has the byte "
                    + y.rawBits(i)
                    + ", which is not a bool (0 or 1)");
          }
        }
      }
    };
  }

  /** The bytes of an array-backed tensor's elements (native order, little-endian here). */
  private static MemorySegment segment(Tensor t) {
    Object a = t.array();
    MemorySegment whole =
        switch (a) {
          case float[] f -> MemorySegment.ofArray(f);
          case double[] d -> MemorySegment.ofArray(d);
          case byte[] b -> MemorySegment.ofArray(b);
          case short[] s -> MemorySegment.ofArray(s);
          case int[] i -> MemorySegment.ofArray(i);
          case long[] l -> MemorySegment.ofArray(l);
          default -> throw new IllegalStateException("no byte view of " + t);
        };
    long slot = t.dtype().storage().slotBytes();
    return whole.asSlice(t.offset() * slot, t.dtype().bytesFor(t.size()));
  }
}
