package dev.ledge.train.autograd;

import static dev.ledge.train.autograd.GradCheck.random;

import dev.ledge.graph.Attribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Finite-difference checks of Gemm and MatMul. */
class MatrixGradTest {
  @ParameterizedTest
  @CsvSource({"0,0", "0,1", "1,0", "1,1"})
  void gemmEveryTransposition(long ta, long tb) {
    int m = 3;
    int k = 4;
    int n = 5;
    GradCheck.op("Gemm", 13)
        .input("a", ta == 0 ? random(1, -1, 1, m, k) : random(1, -1, 1, k, m))
        .input("b", tb == 0 ? random(2, -1, 1, k, n) : random(2, -1, 1, n, k))
        .input("c", random(3, -1, 1, n))
        .attr(Attribute.of("transA", ta))
        .attr(Attribute.of("transB", tb))
        .attr(Attribute.of("alpha", 0.7f))
        .attr(Attribute.of("beta", 1.3f))
        .check();
  }

  @Test
  void gemmOlderOpsetsAndBiasShapes() {
    GradCheck.op("Gemm", 9)
        .input("a", random(1, -1, 1, 2, 3))
        .input("b", random(2, -1, 1, 3, 4))
        .input("c", random(3, -1, 1, 2, 1))
        .check();
    GradCheck.op("Gemm", 13)
        .input("a", random(4, -1, 1, 2, 3))
        .input("b", random(5, -1, 1, 3, 4))
        .check();
  }

  @Test
  void matmulShapes() {
    GradCheck.op("MatMul", 13)
        .input("a", random(1, -1, 1, 3, 4))
        .input("b", random(2, -1, 1, 4, 2))
        .check();
    GradCheck.op("MatMul", 13)
        .input("a", random(3, -1, 1, 2, 3, 4))
        .input("b", random(4, -1, 1, 4, 2))
        .check();
    GradCheck.op("MatMul", 13)
        .input("a", random(5, -1, 1, 3, 4))
        .input("b", random(6, -1, 1, 2, 1, 4, 5))
        .check();
    GradCheck.op("MatMul", 13)
        .input("a", random(7, -1, 1, 4))
        .input("b", random(8, -1, 1, 2, 4, 3))
        .check();
    GradCheck.op("MatMul", 13)
        .input("a", random(9, -1, 1, 2, 3, 4))
        .input("b", random(10, -1, 1, 4))
        .check();
    GradCheck.op("MatMul", 13)
        .input("a", random(11, -1, 1, 4))
        .input("b", random(12, -1, 1, 4))
        .check();
  }
}
