package dev.ledge.ops;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * A kernel's view of one execution of its node: the input values and a way to produce outputs.
 * Implementations are reused across steps and runs; kernels must not keep references to it.
 */
public interface ExecContext {
  /** Number of input positions of the node (including omitted optional ones). */
  int inputCount();

  /** True if input {@code i} is given (and, for an optional value, present at all). */
  boolean hasInput(int i);

  /** Input {@code i} as a tensor, or null if it is omitted. Array-backed. */
  Tensor input(int i);

  /** Input {@code i} as whatever value it is (Tensor, TensorSequence, OptionalValue), or null. */
  Object inputValue(int i);

  /** Number of output positions of the node. */
  int outputCount();

  /** True if output {@code i} is consumed by anything (its name is not empty). */
  boolean hasOutput(int i);

  /**
   * A tensor to write output {@code i} into, of the given type and shape. Contents are unspecified
   * (may hold a previous run's values); the kernel must write every element. The runtime may return
   * the same buffer on every run when the shape does not change.
   */
  Tensor output(int i, DType dtype, int[] shape);

  /**
   * As {@link #output(int, DType, int[])} with the shape of {@code like} (typically an input),
   * without copying the shape.
   */
  default Tensor outputLike(int i, DType dtype, Tensor like) {
    return output(i, dtype, like.shape());
  }

  /**
   * Sets output {@code i} to a value the kernel made itself (a view of an input, a sequence, an
   * optional, a constant). The kernel must not modify it afterwards.
   */
  void setOutput(int i, Object value);

  /**
   * What this node's kernel kept from an earlier run in this session with {@link #setKernelState},
   * or null. Kernels keep what they derive from run-time shapes here (output shapes, geometry,
   * scratch arrays) so that steady runs allocate nothing; not in fields, since one plan may serve
   * several sessions. The kernel checks that the state still applies (the input shapes it was made
   * for) and replaces it when not.
   */
  default Object kernelState() {
    return null;
  }

  /** Keeps {@code state} for this node's next runs in this session (see {@link #kernelState}). */
  default void setKernelState(Object state) {}

  /**
   * Threads this node may use ({@link dev.ledge.runtime.SessionOptions#threads}), e.g. for {@link
   * dev.ledge.kernels.Parallel#forEach}. Results must not depend on it.
   */
  default int threads() {
    return 1;
  }

  /**
   * A {@link dev.ledge.LedgeException} for a run-time problem in this node (for example shapes that
   * only disagree at run time), with the node named in the message.
   */
  dev.ledge.LedgeException error(String message);
}
