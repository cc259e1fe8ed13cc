package dev.ledge.graph;

import java.util.Objects;

/**
 * A named value of a graph with its (possibly partial) type.
 *
 * @param name the value's name, unique in its graph
 * @param type its type; may be null when nothing is known
 * @param docString documentation from the model, or empty
 */
public record ValueInfo(String name, ValueType type, String docString) {
  public ValueInfo {
    Objects.requireNonNull(name, "name");
    docString = docString == null ? "" : docString;
  }

  public ValueInfo(String name, ValueType type) {
    this(name, type, "");
  }

  /** The tensor type, or null if this value is not (known to be) a tensor. */
  public ValueType.TensorType tensorType() {
    return type instanceof ValueType.TensorType t ? t : null;
  }

  @Override
  public String toString() {
    return name + ": " + type;
  }
}
