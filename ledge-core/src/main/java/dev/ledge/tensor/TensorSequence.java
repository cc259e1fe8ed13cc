package dev.ledge.tensor;

import java.util.List;

/**
 * An ONNX sequence value: an ordered list of tensors of one element type.
 *
 * @param elementType the element type of every tensor (may be null for an empty sequence of unknown
 *     type)
 * @param tensors the tensors, immutable
 */
public record TensorSequence(DType elementType, List<Tensor> tensors) {
  public TensorSequence {
    tensors = List.copyOf(tensors);
  }

  public int size() {
    return tensors.size();
  }

  public Tensor get(int i) {
    return tensors.get(i);
  }

  @Override
  public String toString() {
    return "TensorSequence(" + elementType + ", " + tensors.size() + " tensors)";
  }
}
