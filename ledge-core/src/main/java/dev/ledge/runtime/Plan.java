package dev.ledge.runtime;

import dev.ledge.graph.ValueType;
import java.util.List;

/**
 * A graph compiled for execution: values numbered into slots, nodes in execution order with their
 * kernels, constants resolved. Immutable, so several sessions may share it.
 *
 * @param slotCount number of value slots
 * @param slotNames name of each slot (for messages)
 * @param slotTypes static type of each slot
 * @param constants constant value per slot (initializers and folded values), else null
 * @param steps nodes to run, in order
 * @param inputSlots slots of the runtime inputs, in declaration order
 * @param inputNames names of the runtime inputs
 * @param optionalInputs true for inputs that have an initializer default
 * @param outputSlots slots of the graph outputs, in order
 * @param outputNames names of the graph outputs
 * @param freshSlots true for slots whose value escapes the graph (outputs): never reuse buffers
 * @param captures values read from the enclosing graph: local slot and enclosing slot
 * @param defaults initializer values of inputs that callers may override, by slot
 * @param lastUse per slot, the index of the last step that reads it (a step that runs a subgraph
 *     reads what the subgraph captures), the producing step if nothing reads it, {@code
 *     steps.length} for graph outputs, -1 for slots no step produces
 * @param releases per step, the slots no later step reads: their buffers go back to the frame's
 *     pool once the step is done
 */
record Plan(
    int slotCount,
    String[] slotNames,
    ValueType[] slotTypes,
    Object[] constants,
    Step[] steps,
    int[] inputSlots,
    String[] inputNames,
    boolean[] optionalInputs,
    int[] outputSlots,
    String[] outputNames,
    boolean[] freshSlots,
    List<Capture> captures,
    java.util.Map<Integer, dev.ledge.tensor.Tensor> defaults,
    int[] lastUse,
    int[][] releases) {

  /**
   * A value read from the enclosing graph's frame.
   *
   * @param localSlot slot in this plan
   * @param outerSlot slot in the enclosing plan
   */
  record Capture(int localSlot, int outerSlot) {}

  ValueType outputType(int i) {
    return slotTypes[outputSlots[i]];
  }
}
