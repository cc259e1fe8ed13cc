package dev.ledge.ops.tensor;

import dev.ledge.graph.Attribute;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Locale;

/**
 * Cast and CastLike: element type conversion (see {@link ElementCast} for the rules). Cast takes
 * the target type from {@code to} (a type name string in opset 1, a type number from opset 6);
 * CastLike from the type of its second input. {@code saturate} (opset 19) applies to float8
 * targets, {@code round_mode} (opset 24) to float8e8m0.
 */
final class CastOp implements Operator {
  private final boolean like;

  CastOp(boolean like) {
    this.like = like;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    DType from;
    DType to;
    if (like) {
      ctx.requireInputCount(2, 2);
      from = ctx.requireInputType(0);
      to = ctx.requireInputType(1);
      if (to == null) {
        throw ctx.unsupported("CastLike needs the element type of 'target_type' at load time");
      }
    } else {
      ctx.requireInputCount(1, 1);
      from = ctx.requireInputType(0);
      to = targetType(ctx);
    }
    boolean saturate = ctx.attrInt("saturate", 1) != 0;
    String roundMode = ctx.attrString("round_mode", "up");
    if (!roundMode.equals("up") && !roundMode.equals("down") && !roundMode.equals("nearest")) {
      throw ctx.error(
          "attribute 'round_mode' is \""
              + roundMode
              + "\", expected \"up\", \"down\" or \"nearest\"");
    }
    if (to.kind() == DType.Kind.COMPLEX || (from != null && from.kind() == DType.Kind.COMPLEX)) {
      throw ctx.unsupported("casting from or to complex types is not defined by ONNX");
    }
    ctx.setOutput(0, to, ctx.inputShape(0));
    return exec -> {
      Tensor x = exec.input(0);
      if (x.dtype() == to) {
        exec.setOutput(0, x);
        return;
      }
      if (!ElementCast.supports(x.dtype(), to)) {
        throw exec.error("cannot cast " + x.dtype() + " to " + to);
      }
      Tensor y = exec.outputLike(0, to, x);
      ElementCast cast =
          exec.kernelState() instanceof ElementCast c && c.from() == x.dtype()
              ? c
              : new ElementCast(x.dtype(), to, saturate, roundMode);
      exec.setKernelState(cast);
      cast.run(x, y);
    };
  }

  private static DType targetType(OpContext ctx) {
    Attribute a = ctx.requireAttr("to");
    if (a.type() == Attribute.Type.STRING) {
      // Cast-1 names the type: "FLOAT", "INT64", ...
      String name = a.asString().toUpperCase(Locale.ROOT);
      return switch (name) {
        case "FLOAT" -> DType.FLOAT32;
        case "UINT8" -> DType.UINT8;
        case "INT8" -> DType.INT8;
        case "UINT16" -> DType.UINT16;
        case "INT16" -> DType.INT16;
        case "INT32" -> DType.INT32;
        case "INT64" -> DType.INT64;
        case "STRING" -> DType.STRING;
        case "BOOL" -> DType.BOOL;
        case "FLOAT16" -> DType.FLOAT16;
        case "DOUBLE" -> DType.FLOAT64;
        case "UINT32" -> DType.UINT32;
        case "UINT64" -> DType.UINT64;
        case "COMPLEX64" -> DType.COMPLEX64;
        case "COMPLEX128" -> DType.COMPLEX128;
        default -> throw ctx.error("attribute 'to' names an unknown type \"" + a.asString() + "\"");
      };
    }
    return Args.dtypeAttr(ctx, "to", ctx.attrInt("to", 0));
  }
}
