package dev.ledge.graph;

import dev.ledge.LedgeException;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A node attribute: a name, a type and a value of the matching Java type.
 *
 * <p>Value types: FLOAT {@code Float}, INT {@code Long}, STRING {@code String}, TENSOR {@link
 * Tensor}, GRAPH {@link Graph}, TYPE {@link ValueType}, FLOATS {@code float[]}, INTS {@code
 * long[]}, STRINGS {@code List<String>}, TENSORS {@code List<Tensor>}, GRAPHS {@code List<Graph>},
 * TYPES {@code List<ValueType>}. Sparse tensors are densified by the reader and appear as
 * TENSOR(S).
 *
 * @param name attribute name
 * @param type attribute type
 * @param value value (see above)
 */
public record Attribute(String name, Type type, Object value) {
  /** Attribute types. */
  public enum Type {
    FLOAT,
    INT,
    STRING,
    TENSOR,
    GRAPH,
    TYPE,
    FLOATS,
    INTS,
    STRINGS,
    TENSORS,
    GRAPHS,
    TYPES
  }

  public Attribute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    Class<?> expected =
        switch (type) {
          case FLOAT -> Float.class;
          case INT -> Long.class;
          case STRING -> String.class;
          case TENSOR -> Tensor.class;
          case GRAPH -> Graph.class;
          case TYPE -> ValueType.class;
          case FLOATS -> float[].class;
          case INTS -> long[].class;
          case STRINGS, TENSORS, GRAPHS, TYPES -> List.class;
        };
    if (!expected.isInstance(value)) {
      throw new IllegalArgumentException(
          "attribute " + name + " of type " + type + " needs a " + expected.getSimpleName());
    }
  }

  public static Attribute of(String name, float v) {
    return new Attribute(name, Type.FLOAT, v);
  }

  public static Attribute of(String name, long v) {
    return new Attribute(name, Type.INT, v);
  }

  public static Attribute of(String name, String v) {
    return new Attribute(name, Type.STRING, v);
  }

  public static Attribute of(String name, Tensor v) {
    return new Attribute(name, Type.TENSOR, v);
  }

  public static Attribute of(String name, Graph v) {
    return new Attribute(name, Type.GRAPH, v);
  }

  public static Attribute of(String name, float[] v) {
    return new Attribute(name, Type.FLOATS, v.clone());
  }

  public static Attribute of(String name, long... v) {
    return new Attribute(name, Type.INTS, v.clone());
  }

  public static Attribute ofStrings(String name, List<String> v) {
    return new Attribute(name, Type.STRINGS, List.copyOf(v));
  }

  public float asFloat() {
    return (Float) expect(Type.FLOAT);
  }

  public long asInt() {
    return (Long) expect(Type.INT);
  }

  public String asString() {
    return (String) expect(Type.STRING);
  }

  public Tensor asTensor() {
    return (Tensor) expect(Type.TENSOR);
  }

  public Graph asGraph() {
    return (Graph) expect(Type.GRAPH);
  }

  public ValueType asType() {
    return (ValueType) expect(Type.TYPE);
  }

  public float[] asFloats() {
    return ((float[]) expect(Type.FLOATS)).clone();
  }

  public long[] asInts() {
    return ((long[]) expect(Type.INTS)).clone();
  }

  @SuppressWarnings("unchecked")
  public List<String> asStrings() {
    return (List<String>) expect(Type.STRINGS);
  }

  @SuppressWarnings("unchecked")
  public List<Tensor> asTensors() {
    return (List<Tensor>) expect(Type.TENSORS);
  }

  @SuppressWarnings("unchecked")
  public List<Graph> asGraphs() {
    return (List<Graph>) expect(Type.GRAPHS);
  }

  @SuppressWarnings("unchecked")
  public List<ValueType> asTypes() {
    return (List<ValueType>) expect(Type.TYPES);
  }

  private Object expect(Type t) {
    if (type != t) {
      throw new LedgeException("attribute '" + name + "' has type " + type + ", expected " + t);
    }
    return value;
  }

  @Override
  public String toString() {
    String v =
        switch (type) {
          case FLOATS -> Arrays.toString((float[]) value);
          case INTS -> Arrays.toString((long[]) value);
          case GRAPH -> "graph " + ((Graph) value).name();
          default -> String.valueOf(value);
        };
    return name + "=" + v;
  }
}
