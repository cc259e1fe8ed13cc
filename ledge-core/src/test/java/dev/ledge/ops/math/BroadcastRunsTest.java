package dev.ledge.ops.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ledge.ops.Broadcast;
import dev.ledge.tensor.Shapes;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The run walker against the plain index maps of {@link Broadcast}, on random shapes. */
class BroadcastRunsTest {
  private static int[] randomShape(Random rnd, int[] out) {
    // A shape that broadcasts to out: a suffix of out's dims, each kept or set to 1.
    int rank = rnd.nextInt(out.length + 1);
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) {
      int d = out[out.length - rank + i];
      s[i] = rnd.nextInt(3) == 0 ? 1 : d;
    }
    return s;
  }

  private static int[] randomOut(Random rnd) {
    int[] out = new int[rnd.nextInt(5)];
    for (int i = 0; i < out.length; i++) {
      out[i] = 1 + rnd.nextInt(4);
    }
    return out;
  }

  @Test
  void binaryRunsVisitTheSameElementsAsIndexMaps() {
    Random rnd = new Random(42);
    for (int iter = 0; iter < 2000; iter++) {
      int[] out = randomOut(rnd);
      int[] a = randomShape(rnd, out);
      int[] b = randomShape(rnd, out);
      int[] full = Shapes.broadcast(a, b);
      int n = Shapes.size(full);
      int[] gotA = new int[n];
      int[] gotB = new int[n];
      int[] seen = new int[n];
      BroadcastRuns.binary(
          full,
          a,
          b,
          (ai, as, bi, bs, o, len) -> {
            for (int k = 0; k < len; k++) {
              gotA[o + k] = ai + k * as;
              gotB[o + k] = bi + k * bs;
              seen[o + k]++;
            }
          });
      String what = Arrays.toString(a) + " with " + Arrays.toString(b);
      assertArrayEquals(Broadcast.indexMap(a, full), gotA, what);
      assertArrayEquals(Broadcast.indexMap(b, full), gotB, what);
      for (int s : seen) {
        assertEquals(1, s, what);
      }
    }
  }

  @Test
  void ternaryRunsVisitTheSameElementsAsIndexMaps() {
    Random rnd = new Random(7);
    for (int iter = 0; iter < 1000; iter++) {
      int[] out = randomOut(rnd);
      int[] a = randomShape(rnd, out);
      int[] b = randomShape(rnd, out);
      int[] c = randomShape(rnd, out);
      int[] full = Shapes.broadcast(a, b, c);
      int n = Shapes.size(full);
      int[][] got = new int[3][n];
      BroadcastRuns.ternary(
          full,
          a,
          b,
          c,
          (ai, as, bi, bs, ci, cs, o, len) -> {
            for (int k = 0; k < len; k++) {
              got[0][o + k] = ai + k * as;
              got[1][o + k] = bi + k * bs;
              got[2][o + k] = ci + k * cs;
            }
          });
      assertArrayEquals(Broadcast.indexMap(a, full), got[0]);
      assertArrayEquals(Broadcast.indexMap(b, full), got[1]);
      assertArrayEquals(Broadcast.indexMap(c, full), got[2]);
    }
  }

  @Test
  void equalShapesAreOneRun() {
    int[] runs = new int[1];
    BroadcastRuns.binary(
        new int[] {3, 4, 5},
        new int[] {3, 4, 5},
        new int[] {3, 4, 5},
        (a, as, b, bs, o, n) -> {
          runs[0]++;
          assertEquals(60, n);
        });
    assertEquals(1, runs[0]);
  }

  @Test
  void emptyOutputRunsNothing() {
    BroadcastRuns.binary(
        new int[] {0, 3},
        new int[] {0, 3},
        new int[] {3},
        (a, as, b, bs, o, n) -> {
          throw new AssertionError("no element to visit");
        });
  }
}
