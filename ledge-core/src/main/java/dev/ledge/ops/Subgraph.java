package dev.ledge.ops;

import dev.ledge.graph.ValueType;
import java.util.List;

/** A prepared subgraph that control-flow kernels run with their own inputs. */
public interface Subgraph {
  /** Static types of the subgraph's outputs, as far as known. */
  List<ValueType> outputTypes();

  /**
   * Runs the subgraph. Values of enclosing graphs are read from the calling context's scope.
   *
   * @param caller the context of the node that owns the subgraph
   * @param inputs the subgraph's formal inputs, in order
   * @return the subgraph's outputs, in order; owned by the caller (never reused buffers)
   */
  Object[] run(ExecContext caller, Object[] inputs);
}
