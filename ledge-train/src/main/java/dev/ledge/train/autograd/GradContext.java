package dev.ledge.train.autograd;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Dim;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import java.util.List;
import java.util.Map;

/**
 * What a {@link GradientRule} sees for one node: the node, the gradients of its outputs, which
 * inputs need gradients, static types of every forward value, and a way to emit backward nodes.
 */
public final class GradContext {
  private final Node node;
  private final long opset;
  private final String[] outputGrads;
  private final boolean[] needs;
  private final String[] inputGrads;
  private final Map<String, ValueType> types;
  private final GraphBuilder b;

  GradContext(
      Node node,
      long opset,
      String[] outputGrads,
      boolean[] needs,
      Map<String, ValueType> types,
      GraphBuilder b) {
    this.node = node;
    this.opset = opset;
    this.outputGrads = outputGrads;
    this.needs = needs;
    this.inputGrads = new String[needs.length];
    this.types = types;
    this.b = b;
  }

  public Node node() {
    return node;
  }

  /** The imported version of the node's domain. */
  public long opset() {
    return opset;
  }

  public int inputCount() {
    return node.inputs().size();
  }

  /** Input name {@code i}, or "" if absent. */
  public String input(int i) {
    return node.input(i);
  }

  public boolean hasInput(int i) {
    return !node.input(i).isEmpty();
  }

  /** Output name {@code i}, or "" if absent. */
  public String output(int i) {
    return i < node.outputs().size() ? node.outputs().get(i) : "";
  }

  /** The gradient flowing into output {@code i}, or null if none does. */
  public String outputGrad(int i) {
    return i < outputGrads.length ? outputGrads[i] : null;
  }

  /** True if input {@code i} needs a gradient. */
  public boolean needsGrad(int i) {
    return i < needs.length && needs[i];
  }

  /** Sets the gradient of input {@code i} (ignored if it needs none). */
  public void setInputGrad(int i, String grad) {
    if (needsGrad(i)) {
      inputGrads[i] = grad;
    }
  }

  String[] inputGrads() {
    return inputGrads;
  }

  // ---- static types ----

  /** The static tensor type of a forward value, or null. */
  public ValueType.TensorType type(String value) {
    return types.get(value) instanceof ValueType.TensorType t ? t : null;
  }

  public DType dtype(String value) {
    ValueType.TensorType t = type(value);
    return t == null ? null : t.dtype();
  }

  public Shape shape(String value) {
    ValueType.TensorType t = type(value);
    return t == null ? null : t.shape();
  }

  /** The static rank of a value; an unsupported-error if unknown. */
  public int requireRank(String value) {
    Shape s = shape(value);
    if (s == null) {
      throw unsupported("the rank of '" + value + "' is not known statically");
    }
    return s.rank();
  }

  /** True if both values have the same static shape (every dim known or the same symbol). */
  public boolean sameShape(String a, String b) {
    Shape x = shape(a);
    Shape y = shape(b);
    if (x == null || y == null || x.rank() != y.rank()) {
      return false;
    }
    for (int i = 0; i < x.rank(); i++) {
      Dim p = x.dim(i);
      Dim q = y.dim(i);
      boolean same =
          p.isKnown()
              ? q.isKnown() && p.value() == q.value()
              : p.symbol() != null && p.symbol().equals(q.symbol());
      if (!same) {
        return false;
      }
    }
    return true;
  }

  /** The float type of the gradients of this node (that of its first float input). */
  public DType floatType() {
    for (String in : node.inputs()) {
      DType t = in.isEmpty() ? null : dtype(in);
      if (t != null && t.isFloatingPoint()) {
        return t;
      }
    }
    throw unsupported("no floating-point input with a known type");
  }

  // ---- attributes ----

  public Attribute attr(String name) {
    return node.attribute(name);
  }

  public long attrInt(String name, long dflt) {
    Attribute a = node.attribute(name);
    return a == null ? dflt : a.asInt();
  }

  public float attrFloat(String name, float dflt) {
    Attribute a = node.attribute(name);
    return a == null ? dflt : a.asFloat();
  }

  /** The node's attributes among {@code names} that are present (to copy to a backward node). */
  public Attribute[] copyAttrs(String... names) {
    return java.util.Arrays.stream(names)
        .map(node::attribute)
        .filter(java.util.Objects::nonNull)
        .toArray(Attribute[]::new);
  }

  // ---- emitting ----

  /** Emits an ONNX node with one output. */
  public String onnx(String opType, List<String> inputs, Attribute... attrs) {
    return b.onnx(opType, inputs, attrs);
  }

  /** Emits a training-domain node with one output. */
  public String train(String opType, List<String> inputs, Attribute... attrs) {
    return b.train(opType, inputs, attrs);
  }

  /** Emits a training-domain node computing only the wanted outputs. */
  public String[] train(String opType, List<String> inputs, boolean[] wanted, Attribute... attrs) {
    return b.add(dev.ledge.train.ops.TrainOperators.DOMAIN, opType, inputs, wanted, attrs);
  }

  /** A scalar constant of the given float type. */
  public String scalar(double v, DType type) {
    return b.scalar(v, type);
  }

  /** A 1-D int64 constant. */
  public String longs(long... v) {
    return b.longs(v);
  }

  /**
   * Reduces {@code grad}, which has the shape of forward value {@code shapeOf}, to the shape of
   * {@code target} (undoing numpy broadcasting); no node when the shapes are statically equal.
   */
  public String sumTo(String grad, String shapeOf, String target) {
    if (sameShape(shapeOf, target)) {
      return grad;
    }
    return train("ReduceSumTo", List.of(grad, target));
  }

  /** An "unsupported" error naming this node. */
  public LedgeException unsupported(String message) {
    return new UnsupportedOpException(node.describe() + ": gradient: " + message);
  }
}
