package dev.ledge.train.ops;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * Ledge's training operators, in their own domain {@value #DOMAIN}: backward kernels that ONNX
 * lacks (ConvGradInput, MaxPoolGrad, ...), forward forms that keep what backward needs
 * (MaxPoolWithArgmax) or share its kernels (Conv), the training-mode Dropout, and the losses with
 * their gradients. Backward graphs mix them with standard ONNX ops and run on the same runtime
 * through {@link #registry()}.
 */
public final class TrainOperators implements OperatorFamily {
  /** The operator domain of training ops. */
  public static final String DOMAIN = "dev.ledge.train";

  /** The domain's version, imported by training graphs. */
  public static final long VERSION = 1;

  private static final OperatorRegistry REGISTRY =
      OperatorRegistry.standardWith(new TrainOperators());

  /** Every built-in operator plus the training operators. Shared and read-only. */
  public static OperatorRegistry registry() {
    return REGISTRY;
  }

  /**
   * Whether a training graph should run a float32 ONNX Conv with this weight shape, group and
   * strides as {@code dev.ledge.train.Conv}: stride-1 2-D convolutions with at least 4 output
   * channels per group, which the training kernels compute faster (and with the same correlation as
   * their input gradient).
   */
  public static boolean trainsConv(int[] weightShape, long group, long[] strides) {
    if (!ShiftedConv.SIMD || weightShape == null || weightShape.length != 4 || group < 1) {
      return false;
    }
    if (strides != null) {
      for (long s : strides) {
        if (s != 1) {
          return false;
        }
      }
    }
    return weightShape[0] % group == 0 && weightShape[0] / group >= 4;
  }

  @Override
  public void register(OperatorRegistry r) {
    r.register(DOMAIN, "ReduceSumTo", new ReduceSumToOp());
    r.register(DOMAIN, "ZerosLike", new ZerosLikeOp());
    r.register(DOMAIN, "ReshapeLike", new ReshapeLikeOp());
    for (ActivationGradOp.Kind k : ActivationGradOp.Kind.values()) {
      r.register(DOMAIN, k.opType, new ActivationGradOp(k));
    }
    r.register(DOMAIN, "SoftmaxGrad", new SoftmaxGradOp(false));
    r.register(DOMAIN, "LogSoftmaxGrad", new SoftmaxGradOp(true));
    r.register(DOMAIN, "Conv", new ConvForwardOp());
    r.register(DOMAIN, "MaxPoolWithArgmax", new MaxPoolArgmaxOp());
    r.register(DOMAIN, "MaxPoolGrad", new PoolGradOp(true));
    r.register(DOMAIN, "AveragePoolGrad", new PoolGradOp(false));
    r.register(DOMAIN, "GlobalAveragePoolGrad", new GlobalAveragePoolGradOp());
    r.register(DOMAIN, "ConvGradInput", new ConvGradOp(true));
    r.register(DOMAIN, "ConvGradWeight", new ConvGradOp(false));
    r.register(DOMAIN, "ChannelSum", new ChannelSumOp());
    r.register(DOMAIN, "BatchNormalizationGrad", new BatchNormGradOp());
    r.register(DOMAIN, "LayerNormalizationGrad", new LayerNormGradOp());
    r.register(DOMAIN, "Dropout", new DropoutTrainOp());
    r.register(DOMAIN, "ConcatGrad", new ConcatGradOp());
    r.register(DOMAIN, "SliceGrad", new SliceGradOp());
    r.register(DOMAIN, "ReduceSumGrad", new ReduceGradOp(false));
    r.register(DOMAIN, "ReduceMeanGrad", new ReduceGradOp(true));
    r.register(DOMAIN, "GatherGrad", new GatherGradOp());
    r.register(DOMAIN, "LSTMGrad", new RecurrentGradOp(true));
    r.register(DOMAIN, "GRUGrad", new RecurrentGradOp(false));
    r.register(DOMAIN, "SoftmaxCrossEntropy", new CrossEntropyOp(false));
    r.register(DOMAIN, "SoftmaxCrossEntropyGrad", new CrossEntropyOp(true));
    r.register(DOMAIN, "MeanSquaredError", new PointwiseLossOp(PointwiseLossOp.Kind.MSE, false));
    r.register(DOMAIN, "MeanSquaredErrorGrad", new PointwiseLossOp(PointwiseLossOp.Kind.MSE, true));
    r.register(
        DOMAIN,
        "BinaryCrossEntropyWithLogits",
        new PointwiseLossOp(PointwiseLossOp.Kind.BCE_WITH_LOGITS, false));
    r.register(
        DOMAIN,
        "BinaryCrossEntropyWithLogitsGrad",
        new PointwiseLossOp(PointwiseLossOp.Kind.BCE_WITH_LOGITS, true));
    r.register(DOMAIN, "SoftTargetKL", new SoftTargetKlOp(false));
    r.register(DOMAIN, "SoftTargetKLGrad", new SoftTargetKlOp(true));
  }
}
