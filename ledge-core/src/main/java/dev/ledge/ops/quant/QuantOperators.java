package dev.ledge.ops.quant;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * Quantization: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and the integer ops
 * MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv.
 */
public final class QuantOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("QuantizeLinear", new QuantizeLinearOp());
    r.register("DequantizeLinear", new DequantizeLinearOp());
    r.register("DynamicQuantizeLinear", new DynamicQuantizeLinearOp());
    r.register("MatMulInteger", new MatMulIntegerOp());
    r.register("QLinearMatMul", new QLinearMatMulOp());
    r.register("ConvInteger", new ConvIntegerOp());
    r.register("QLinearConv", new QLinearConvOp());
  }
}
