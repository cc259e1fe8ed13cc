package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorRnnTest {
  @Test
  void matVecMatchesTheReference() {
    Random r = new Random(4);
    for (int[] s : new int[][] {{1, 1}, {3, 7}, {16, 16}, {17, 33}, {512, 128}, {5, 1000}}) {
      int rows = s[0];
      int cols = s[1];
      float[] w = new float[rows * cols + 3];
      float[] x = new float[cols + 2];
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextFloat() - 0.5f;
      }
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat() - 0.5f;
      }
      float[] want = new float[rows + 1];
      float[] got = new float[rows + 1];
      ReferenceRnn.matVec(w, 3, rows, cols, x, 2, want, 1);
      VectorRnn.matVecSimd(w, 3, rows, cols, x, 2, got, 1);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-5f * (1 + Math.abs(want[i])) * (float) Math.sqrt(cols));
      }
    }
  }
}
