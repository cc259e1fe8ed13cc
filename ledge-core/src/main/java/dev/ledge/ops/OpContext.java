package dev.ledge.ops;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * What an {@link Operator} sees while preparing a node: the node and its attributes, the opset
 * version in force, the static types of its inputs, the values of constant inputs, and where to
 * declare output types.
 */
public interface OpContext {
  Node node();

  /** The version of the node's domain imported by the model (e.g. 17 for ai.onnx opset 17). */
  long opsetVersion();

  // ---- inputs ----

  /** Number of input positions (including omitted optional ones). */
  int inputCount();

  /** True if input {@code i} is given (position exists and its name is not empty). */
  boolean hasInput(int i);

  /** Static type of input {@code i}, or null if omitted or unknown. */
  ValueType inputType(int i);

  /** Element type of tensor input {@code i}, or null if omitted/unknown/not a tensor. */
  DType inputDType(int i);

  /** Static shape of tensor input {@code i}, or null if unknown (or omitted). */
  Shape inputShape(int i);

  /** Value of input {@code i} if it is a constant (initializer or Constant), else null. */
  Tensor constantInput(int i);

  // ---- outputs ----

  /** Number of output positions. */
  int outputCount();

  /** True if output {@code i} exists and its name is not empty. */
  boolean hasOutput(int i);

  /** Declares output {@code i}'s type (and static shape, which may be null or partial). */
  void setOutputType(int i, ValueType type);

  /**
   * Declares output {@code i} as a tensor of {@code dtype} with the given static shape (or null).
   */
  default void setOutput(int i, DType dtype, Shape shape) {
    setOutputType(i, new ValueType.TensorType(dtype, shape));
  }

  /** Declares output {@code i} as a constant known at prepare time (e.g. the Constant op). */
  void setOutputConstant(int i, Tensor value);

  // ---- attributes ----

  /** The attribute, or null if absent. */
  default Attribute attr(String name) {
    return node().attribute(name);
  }

  default boolean hasAttr(String name) {
    return node().attribute(name) != null;
  }

  default long attrInt(String name, long defaultValue) {
    Attribute a = attr(name);
    return a == null ? defaultValue : checked(a, Attribute.Type.INT).asInt();
  }

  default float attrFloat(String name, float defaultValue) {
    Attribute a = attr(name);
    return a == null ? defaultValue : checked(a, Attribute.Type.FLOAT).asFloat();
  }

  default String attrString(String name, String defaultValue) {
    Attribute a = attr(name);
    return a == null ? defaultValue : checked(a, Attribute.Type.STRING).asString();
  }

  /** INTS attribute, or {@code defaultValue} (may be null) if absent. */
  default long[] attrInts(String name, long[] defaultValue) {
    Attribute a = attr(name);
    return a == null ? defaultValue : checked(a, Attribute.Type.INTS).asInts();
  }

  default float[] attrFloats(String name, float[] defaultValue) {
    Attribute a = attr(name);
    return a == null ? defaultValue : checked(a, Attribute.Type.FLOATS).asFloats();
  }

  default List<String> attrStrings(String name, List<String> defaultValue) {
    Attribute a = attr(name);
    return a == null ? defaultValue : checked(a, Attribute.Type.STRINGS).asStrings();
  }

  default Tensor attrTensor(String name) {
    Attribute a = attr(name);
    return a == null ? null : checked(a, Attribute.Type.TENSOR).asTensor();
  }

  default Graph attrGraph(String name) {
    Attribute a = attr(name);
    return a == null ? null : checked(a, Attribute.Type.GRAPH).asGraph();
  }

  /** A required attribute; a clear error if it is missing. */
  default Attribute requireAttr(String name) {
    Attribute a = attr(name);
    if (a == null) {
      throw error("missing required attribute '" + name + "'");
    }
    return a;
  }

  private Attribute checked(Attribute a, Attribute.Type expected) {
    if (a.type() != expected) {
      throw error("attribute '" + a.name() + "' has type " + a.type() + ", expected " + expected);
    }
    return a;
  }

  // ---- checks and errors ----

  /** A {@link LedgeException} whose message names this node. */
  LedgeException error(String message);

  /**
   * An "unsupported" error: the node is valid ONNX but Ledge does not implement this case. The
   * conformance runner counts these separately from failures.
   */
  LedgeException unsupported(String message);

  /** Checks that input {@code i} is present and has one of the given dtypes (if known). */
  default DType requireInputType(int i, DType... allowed) {
    if (!hasInput(i)) {
      throw error("input " + i + " is required");
    }
    DType t = inputDType(i);
    if (t == null || allowed.length == 0) {
      return t;
    }
    for (DType a : allowed) {
      if (a == t) {
        return t;
      }
    }
    throw error(
        "input "
            + i
            + " ('"
            + node().input(i)
            + "') has type "
            + t
            + ", expected one of "
            + java.util.Arrays.toString(allowed));
  }

  /**
   * Checks the node has between {@code min} and {@code max} input positions and that the first
   * {@code min} (the required ones) are all given.
   */
  default void requireInputCount(int min, int max) {
    int n = inputCount();
    while (n > 0 && !hasInput(n - 1)) {
      n--;
    }
    if (n < min || inputCount() > max) {
      throw error(
          "has " + inputCount() + " inputs, expected " + (min == max ? min : min + ".." + max));
    }
    for (int i = 0; i < min; i++) {
      if (!hasInput(i)) {
        throw error("input " + i + " is required but missing (empty name)");
      }
    }
  }

  /**
   * True when the plan is only built to infer types (for graph passes or {@code ledge inspect}),
   * never to run: skip expensive precomputation such as packing weights.
   */
  default boolean typesOnly() {
    return false;
  }

  /**
   * Declares that the kernel stays correct when output {@code output} is handed the very tensor of
   * input {@code input} to write into (same dtype and shape): every output element is computed from
   * the input element at the same index, read before it is written, and the input is not read
   * through any other path afterwards. The runtime then computes in place when nothing reads the
   * input later (nor at another input position of this node) and the input's buffer belongs to the
   * run (not a constant, a caller's input or a graph output). Pure elementwise loops qualify, also
   * when other operands are broadcast; an input that is itself broadcast to the output shape never
   * aliases (its shape differs).
   */
  default void allowInPlace(int input, int output) {}

  // ---- subgraphs ----

  /**
   * Prepares a subgraph (If branch, Loop or Scan body) with the given formal input types. The
   * subgraph may read values of the enclosing graphs by name.
   */
  Subgraph prepareSubgraph(Graph graph, List<ValueType> inputTypes);
}
