package dev.ledge.ops.sequence;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/** Sequences and optionals: Sequence*, ConcatFromSequence, SplitToSequence, Optional*. */
public final class SequenceOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("SequenceEmpty", new SequenceEmptyOp());
    r.register("SequenceConstruct", new SequenceConstructOp());
    r.register("SequenceInsert", new SequenceInsertOp());
    r.register("SequenceAt", new SequenceAtOp());
    r.register("SequenceErase", new SequenceEraseOp());
    r.register("SequenceLength", new SequenceLengthOp());
    r.register("ConcatFromSequence", new ConcatFromSequenceOp());
    r.register("SplitToSequence", new SplitToSequenceOp());
    r.register("SequenceMap", new SequenceMapOp());
    r.register("Optional", new OptionalOp());
    r.register("OptionalHasElement", new OptionalHasElementOp());
    r.register("OptionalGetElement", new OptionalGetElementOp());
  }
}
