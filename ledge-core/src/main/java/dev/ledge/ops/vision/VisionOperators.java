package dev.ledge.ops.vision;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * Spatial sampling and detection ops: GridSample, AffineGrid, RoiAlign, NonMaxSuppression,
 * DeformConv.
 */
public final class VisionOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("GridSample", new GridSampleOp());
    r.register("AffineGrid", new AffineGridOp());
    r.register("RoiAlign", new RoiAlignOp());
    r.register("NonMaxSuppression", new NonMaxSuppressionOp());
    r.register("DeformConv", new DeformConvOp());
  }
}
