package dev.ledge.ops.ml;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * Classic machine-learning operators of the {@code ai.onnx.ml} domain: LabelEncoder, Binarizer,
 * ArrayFeatureExtractor and TreeEnsemble. Their version is the model's {@code ai.onnx.ml} opset.
 */
public final class MlOperators implements OperatorFamily {
  /** The domain these operators live in. */
  public static final String DOMAIN = "ai.onnx.ml";

  @Override
  public void register(OperatorRegistry r) {
    r.register(DOMAIN, "LabelEncoder", new LabelEncoderOp());
    r.register(DOMAIN, "Binarizer", new BinarizerOp());
    r.register(DOMAIN, "ArrayFeatureExtractor", new ArrayFeatureExtractorOp());
    r.register(DOMAIN, "TreeEnsemble", new TreeEnsembleOp());
  }
}
