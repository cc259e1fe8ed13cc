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

  /**
   * Runs the subgraph and returns its outputs without copying them. The returned array and values
   * belong to the subgraph's frame: they stay valid until this subgraph runs again in the same
   * session and must not be modified. For kernels that pass the values on as their own outputs at
   * once (If); a kernel that keeps values across runs of the subgraph (Loop, Scan) uses {@link
   * #run}.
   */
  default Object[] runBorrowed(ExecContext caller, Object[] inputs) {
    return run(caller, inputs);
  }
}
