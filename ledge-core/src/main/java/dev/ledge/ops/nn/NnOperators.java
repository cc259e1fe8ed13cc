package dev.ledge.ops.nn;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * Neural-network operators of the ai.onnx domain: convolutions, matrix products, pooling,
 * normalizations, softmax and friends, dropout, Einsum, Det and the two losses; and Ledge's fused
 * {@code dev.ledge.FusedConv} and {@code dev.ledge.FusedGemm}.
 */
public final class NnOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("Conv", new ConvOp());
    r.register(ConvOp.LEDGE_DOMAIN, "FusedConv", new ConvOp(true));
    r.register("ConvTranspose", new ConvTransposeOp());
    r.register("Gemm", new GemmOp());
    r.register(ConvOp.LEDGE_DOMAIN, "FusedGemm", new GemmOp(true));
    r.register("MatMul", new MatMulOp());
    r.register("AveragePool", new PoolOp(PoolOp.Kind.AVERAGE));
    r.register("MaxPool", new PoolOp(PoolOp.Kind.MAX));
    r.register("LpPool", new PoolOp(PoolOp.Kind.LP));
    r.register("GlobalAveragePool", new GlobalPoolOp(false));
    r.register("GlobalMaxPool", new GlobalPoolOp(true));
    r.register("MaxUnpool", new MaxUnpoolOp());
    r.register("BatchNormalization", new BatchNormalizationOp());
    r.register("InstanceNormalization", new InstanceNormalizationOp());
    r.register("LayerNormalization", new LayerNormalizationOp(false));
    r.register("RMSNormalization", new LayerNormalizationOp(true));
    r.register("GroupNormalization", new GroupNormalizationOp());
    r.register("LRN", new LrnOp());
    r.register("LpNormalization", new LpNormalizationOp());
    r.register("MeanVarianceNormalization", new MeanVarianceNormalizationOp());
    r.register("Softmax", new SoftmaxOp(SoftmaxOp.Kind.SOFTMAX));
    r.register("LogSoftmax", new SoftmaxOp(SoftmaxOp.Kind.LOG_SOFTMAX));
    r.register("Hardmax", new SoftmaxOp(SoftmaxOp.Kind.HARDMAX));
    r.register("Dropout", new DropoutOp());
    r.register("Einsum", new EinsumOp());
    r.register("Det", new DetOp());
    r.register("NegativeLogLikelihoodLoss", new NegativeLogLikelihoodLossOp());
    r.register("SoftmaxCrossEntropyLoss", new SoftmaxCrossEntropyLossOp());
  }
}
