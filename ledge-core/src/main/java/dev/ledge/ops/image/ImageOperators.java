package dev.ledge.ops.image;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/** Image operators: ImageDecoder. */
public final class ImageOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("ImageDecoder", new ImageDecoderOp());
  }
}
