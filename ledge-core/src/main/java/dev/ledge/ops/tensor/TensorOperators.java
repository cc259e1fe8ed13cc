package dev.ledge.ops.tensor;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * Tensor manipulation: type conversion (Cast, CastLike, BitCast), shape and layout (Reshape,
 * Flatten, Squeeze, Unsqueeze, Transpose, Expand, Tile, DepthToSpace, SpaceToDepth), joining and
 * cutting (Concat, Split, Slice, Pad, CenterCropPad, Compress), indexing (Gather*, Scatter*,
 * TensorScatter, OneHot, NonZero, TopK, Unique), generators (Shape, Size, ConstantOfShape, Range,
 * EyeLike, Trilu), ReverseSequence, Resize, Upsample and Col2Im. Works on every element type the
 * operators allow, strings and packed 4- and 2-bit types included.
 */
public final class TensorOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("Cast", new CastOp(false));
    r.register("CastLike", new CastOp(true));
    r.register("BitCast", new BitCastOp());
    r.register("Reshape", new ReshapeOp());
    r.register("Flatten", new FlattenOp());
    r.register("Squeeze", new SqueezeOp());
    r.register("Unsqueeze", new UnsqueezeOp());
    r.register("Transpose", new TransposeOp());
    r.register("Concat", new ConcatOp());
    r.register("Split", new SplitOp());
    r.register("Slice", new SliceOp());
    r.register("Gather", new GatherOp());
    r.register("GatherElements", new GatherElementsOp());
    r.register("GatherND", new GatherNDOp());
    r.register("Scatter", new ScatterElementsOp());
    r.register("ScatterElements", new ScatterElementsOp());
    r.register("ScatterND", new ScatterNDOp());
    r.register("TensorScatter", new TensorScatterOp());
    r.register("Expand", new ExpandOp());
    r.register("Tile", new TileOp());
    r.register("Pad", new PadOp());
    r.register("CenterCropPad", new CenterCropPadOp());
    r.register("Shape", new ShapeOp());
    r.register("Size", new SizeOp());
    r.register("ConstantOfShape", new ConstantOfShapeOp());
    r.register("Range", new RangeOp());
    r.register("OneHot", new OneHotOp());
    r.register("NonZero", new NonZeroOp());
    r.register("Trilu", new TriluOp());
    r.register("DepthToSpace", new DepthSpaceOp(true));
    r.register("SpaceToDepth", new DepthSpaceOp(false));
    r.register("Compress", new CompressOp());
    r.register("ReverseSequence", new ReverseSequenceOp());
    r.register("Unique", new UniqueOp());
    r.register("EyeLike", new EyeLikeOp());
    r.register("TopK", new TopKOp());
    r.register("Resize", new ResizeOp(false));
    r.register("Upsample", new ResizeOp(true));
    r.register("Col2Im", new Col2ImOp());
  }
}
