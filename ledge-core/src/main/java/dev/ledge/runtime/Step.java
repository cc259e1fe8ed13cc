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
 */
record Step(Node node, Kernel kernel, int[] in, int[] out) {}
