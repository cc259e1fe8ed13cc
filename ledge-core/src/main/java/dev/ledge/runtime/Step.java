package dev.ledge.runtime;

import dev.ledge.graph.Node;
import dev.ledge.ops.Kernel;

/**
 * One node of a plan, ready to run.
 *
 * @param node the node
 * @param kernel its prepared kernel
 * @param in value slots of its inputs (-1 for omitted optional inputs)
 * @param out value slots of its outputs (-1 for unused optional outputs)
 * @param inPlace per output, a bit mask of the inputs whose tensor the kernel may write that output
 *     into ({@link dev.ledge.ops.OpContext#allowInPlace}); null when there are none
 */
record Step(Node node, Kernel kernel, int[] in, int[] out, long[] inPlace) {
  /** The op type for profiles, qualified by its domain outside ai.onnx. */
  String label() {
    return node.domain().isEmpty() ? node.opType() : node.domain() + "." + node.opType();
  }
}
