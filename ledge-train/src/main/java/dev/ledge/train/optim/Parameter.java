package dev.ledge.train.optim;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * A trainable float32 tensor and its gradient (same shape), updated in place by an {@link
 * Optimizer}.
 *
 * @param name the initializer's name in the model
 * @param value the current value
 * @param grad the gradient of the last step
 */
public record Parameter(String name, Tensor value, Tensor grad) {
  public Parameter {
    if (value.dtype() != DType.FLOAT32 || grad.dtype() != DType.FLOAT32) {
      throw new LedgeException("parameter '" + name + "' must be float32, is " + value.dtype());
    }
    if (!Arrays.equals(value.shape(), grad.shape())) {
      throw new LedgeException(
          "parameter '"
              + name
              + "' has shape "
              + Arrays.toString(value.shape())
              + " but its gradient "
              + Arrays.toString(grad.shape()));
    }
  }

  public int size() {
    return value.size();
  }
}
