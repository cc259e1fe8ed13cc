package dev.ledge.train.autograd;

import static dev.ledge.train.autograd.GradCheck.random;

import dev.ledge.graph.Attribute;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of shape, indexing and reduction rules. */
class ShapeGradTest {
  @Test
  void reductions() {
    GradCheck.op("ReduceSum", 13)
        .input("x", random(1, -1, 1, 2, 3, 4))
        .constant("axes", Tensor.ofLongs(1))
        .check();
    GradCheck.op("ReduceSum", 13)
        .input("x", random(2, -1, 1, 2, 3, 4))
        .constant("axes", Tensor.ofLongs(0, -1))
        .attr(Attribute.of("keepdims", 0L))
        .check();
    GradCheck.op("ReduceSum", 13).input("x", random(3, -1, 1, 2, 3)).check(); // all axes
    GradCheck.op("ReduceSum", 11)
        .input("x", random(4, -1, 1, 2, 3))
        .attr(Attribute.of("axes", new long[] {1}))
        .attr(Attribute.of("keepdims", 0L))
        .check();
    GradCheck.op("ReduceSum", 13)
        .input("x", random(5, -1, 1, 2, 3))
        .constant("axes", Tensor.wrap(new long[0], 0))
        .attr(Attribute.of("noop_with_empty_axes", 1L))
        .check();
    GradCheck.op("ReduceMean", 18)
        .input("x", random(6, -1, 1, 2, 3, 4))
        .constant("axes", Tensor.ofLongs(2, 0))
        .check();
    GradCheck.op("ReduceMean", 13)
        .input("x", random(7, -1, 1, 4, 5))
        .attr(Attribute.of("axes", new long[] {-1}))
        .attr(Attribute.of("keepdims", 0L))
        .check();
    GradCheck.op("ReduceMean", 13).input("x", random(8, -1, 1, 4, 5)).check();
  }

  @Test
  void reshapeFamily() {
    GradCheck.op("Reshape", 14)
        .input("x", random(1, -1, 1, 2, 3, 4))
        .constant("s", Tensor.ofLongs(4, -1))
        .check();
    GradCheck.op("Flatten", 13)
        .input("x", random(2, -1, 1, 2, 3, 4))
        .attr(Attribute.of("axis", 2L))
        .check();
    GradCheck.op("Squeeze", 13)
        .input("x", random(3, -1, 1, 2, 1, 4))
        .constant("a", Tensor.ofLongs(1))
        .check();
    GradCheck.op("Squeeze", 11).input("x", random(4, -1, 1, 1, 3, 1)).check();
    GradCheck.op("Unsqueeze", 13)
        .input("x", random(5, -1, 1, 2, 3))
        .constant("a", Tensor.ofLongs(0, 3))
        .check();
    GradCheck.op("Unsqueeze", 11)
        .input("x", random(6, -1, 1, 3))
        .attr(Attribute.of("axes", new long[] {1}))
        .check();
  }

  @Test
  void transpose() {
    GradCheck.op("Transpose", 13)
        .input("x", random(1, -1, 1, 2, 3, 4))
        .attr(Attribute.of("perm", 1L, 2, 0))
        .check();
    GradCheck.op("Transpose", 13).input("x", random(2, -1, 1, 2, 3, 4)).check();
  }

  @Test
  void concat() {
    GradCheck.op("Concat", 13)
        .input("a", random(1, -1, 1, 2, 3))
        .input("b", random(2, -1, 1, 2, 1))
        .input("c", random(3, -1, 1, 2, 2))
        .attr(Attribute.of("axis", -1L))
        .check();
    GradCheck.op("Concat", 11)
        .input("a", random(4, -1, 1, 1, 3, 2))
        .input("b", random(5, -1, 1, 2, 3, 2))
        .attr(Attribute.of("axis", 0L))
        .check();
  }

  @Test
  void slice() {
    GradCheck.op("Slice", 13)
        .input("x", random(1, -1, 1, 4, 6))
        .constant("s", Tensor.ofLongs(1, -1))
        .constant("e", Tensor.ofLongs(3, -6))
        .constant("a", Tensor.ofLongs(0, 1))
        .constant("st", Tensor.ofLongs(1, -2))
        .check();
    GradCheck.op("Slice", 13)
        .input("x", random(2, -1, 1, 5, 3))
        .constant("s", Tensor.ofLongs(0))
        .constant("e", Tensor.ofLongs(100))
        .constant("a", Tensor.ofLongs(0))
        .constant("st", Tensor.ofLongs(2))
        .check();
    GradCheck.op("Slice", 9)
        .input("x", random(3, -1, 1, 4, 6))
        .attr(Attribute.of("starts", 1L, 2))
        .attr(Attribute.of("ends", 3L, 5))
        .check();
  }

  @Test
  void gatherAsEmbeddingAndAlongAxis() {
    GradCheck.op("Gather", 13)
        .input("table", random(1, -1, 1, 5, 3))
        .constant("idx", Tensor.wrap(new long[] {0, 3, 3, -1, 2, 0}, 2, 3))
        .check();
    GradCheck.op("Gather", 13)
        .input("x", random(2, -1, 1, 2, 4, 3))
        .constant("idx", Tensor.wrap(new long[] {3, 1}, 2))
        .attr(Attribute.of("axis", 1L))
        .check();
  }
}
