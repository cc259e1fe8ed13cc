package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.FusedOpsTesting.ACTIVATIONS;
import static dev.ledge.ops.nn.FusedOpsTesting.OPSET;
import static dev.ledge.ops.nn.FusedOpsTesting.activation;
import static dev.ledge.ops.nn.FusedOpsTesting.assertFusedMatches;
import static dev.ledge.ops.nn.FusedOpsTesting.withLedgeNode;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.ModelDef;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.ops.nn.FusedOpsTesting.Activation;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code dev.ledge.FusedConv} against Conv (plus the residual Add) followed by the activation's own
 * nodes, for every activation, on geometries that take each kernel: packed GEMM (3x3 and direct
 * 1x1), depthwise, and the general path (W fed at run time, 1-D); odd channel counts and widths
 * (tails of the register tile and of the vectors); sizes large enough to run on 2 threads. Runs the
 * kernels of this JVM: SIMD by default, the reference ones with {@code -Dledge.kernels=scalar}.
 */
class FusedConvTest {
  /**
   * One convolution: channels in and out, group, spatial input size, kernel, stride, pad, whether W
   * is a constant (packed) and whether a residual input is added.
   */
  private record Geometry(
      int c,
      int m,
      int group,
      int[] in,
      int k,
      int stride,
      int pad,
      boolean constantW,
      boolean residual) {
    @Override
    public String toString() {
      return "c="
          + c
          + " m="
          + m
          + " group="
          + group
          + " in="
          + Arrays.toString(in)
          + " k="
          + k
          + " stride="
          + stride
          + " pad="
          + pad
          + (constantW ? " constant W" : " W input")
          + (residual ? " + residual" : "");
    }
  }

  private static List<Geometry> geometries() {
    Random r = new Random(31);
    List<Geometry> g = new ArrayList<>();
    int c = 1 + 2 * r.nextInt(4);
    int m = 3 + 2 * r.nextInt(8);
    g.add(new Geometry(c, m, 1, new int[] {7, 9}, 3, 1, 1, true, false));
    g.add(new Geometry(m, 2 * c + 1, 1, new int[] {5, 11}, 1, 1, 0, true, true)); // direct 1x1
    g.add(new Geometry(7, 7, 7, new int[] {9, 13}, 3, 2, 1, true, false)); // depthwise
    g.add(new Geometry(c + 2, m, 1, new int[] {23}, 3, 1, 1, false, true)); // general path, 1-D
    g.add(new Geometry(6, 4, 2, new int[] {6, 7}, 3, 2, 0, false, false)); // general, grouped
    g.add(new Geometry(10, 24, 1, new int[] {33, 33}, 3, 1, 1, true, true)); // 2 threads
    g.add(new Geometry(32, 32, 32, new int[] {64, 64}, 3, 1, 1, true, false)); // 2 threads
    return g;
  }

  /**
   * The activations also run on the two large geometries (which split across threads): the epilogue
   * is elementwise, so three kinds (a clamp, an exp-based and an expm1-based one) suffice there,
   * and the test stays fast.
   */
  private static final java.util.Set<String> THREADED = java.util.Set.of("Clip", "SiLU", "Tanh");

  private static boolean large(Geometry geo) {
    return geo.in().length == 2 && geo.in()[0] * geo.in()[1] > 1000;
  }

  @Test
  void everyActivationMatchesConvThenTheActivation() {
    for (Geometry geo : geometries()) {
      Map<String, Tensor> feed = new LinkedHashMap<>();
      inputs(geo, feed);
      List<String> fusedInputs = new ArrayList<>(List.of("x", "W", "B"));
      if (geo.residual()) {
        fusedInputs.add("skip");
      }
      for (Activation a : ACTIVATIONS) {
        if (large(geo) && !THREADED.contains(a.name())) {
          continue;
        }
        ModelBuilder u = inputs(geo, new LinkedHashMap<>());
        u.node("Conv", List.of("x", "W", "B"), List.of("c"), convAttrs(geo));
        if (geo.residual()) {
          u.node("Add", List.of("c", "skip"), List.of("a"));
        }
        ModelDef before = activation(u, a, geo.residual() ? "a" : "c", "y").output("y").build();
        ModelDef after =
            withLedgeNode(
                inputs(geo, new LinkedHashMap<>()),
                "FusedConv",
                fusedInputs,
                attributes(convAttrs(geo)),
                a,
                "y");
        // Without a residual the fused op runs the same kernels in the same order.
        assertFusedMatches(before, after, feed, !geo.residual(), a + ", " + geo);
      }
    }
  }

  @Test
  void badActivationsAreReported() {
    Geometry geo = geometries().getFirst();
    Map<String, Tensor> feed = new LinkedHashMap<>();
    inputs(geo, feed);
    ModelDef unknown =
        withLedgeNode(
            inputs(geo, new LinkedHashMap<>()),
            "FusedConv",
            List.of("x", "W", "B"),
            attributes(convAttrs(geo)),
            new Activation("Gelu"),
            "y");
    assertThrows(UnsupportedOpException.class, () -> FusedOpsTesting.run(unknown, feed, 1));
    ModelDef noBounds =
        withLedgeNode(
            inputs(geo, new LinkedHashMap<>()),
            "FusedConv",
            List.of("x", "W", "B"),
            attributes(convAttrs(geo)),
            new Activation("Clip", 1f),
            "y");
    LedgeException e =
        assertThrows(LedgeException.class, () -> FusedOpsTesting.run(noBounds, feed, 1));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("[min, max]"), e.getMessage());
  }

  /** The model's inputs and weights; fills {@code feed} with the graph inputs' values. */
  private static ModelBuilder inputs(Geometry geo, Map<String, Tensor> feed) {
    Random r = new Random(geo.toString().hashCode());
    int rank = geo.in().length;
    int[] xs = new int[rank + 2];
    xs[0] = 1;
    xs[1] = geo.c();
    int[] ys = new int[rank + 2];
    ys[0] = 1;
    ys[1] = geo.m();
    int[] ws = new int[rank + 2];
    ws[0] = geo.m();
    ws[1] = geo.c() / geo.group();
    for (int d = 0; d < rank; d++) {
      xs[d + 2] = geo.in()[d];
      ys[d + 2] = (geo.in()[d] + 2 * geo.pad() - geo.k()) / geo.stride() + 1;
      ws[d + 2] = geo.k();
    }
    int ck = ws[1] * (int) Math.pow(geo.k(), rank);
    // Conv outputs of a few units: the interesting range of every activation.
    Tensor w = random(r, 9 / Math.sqrt(ck), ws);
    Tensor x = random(r, 1, xs);
    Tensor skip = random(r, 2, ys);
    ModelBuilder b = new ModelBuilder(OPSET).input("x", DType.FLOAT32, longs(xs));
    feed.put("x", x);
    if (geo.constantW()) {
      b.initializer("W", w);
    } else {
      b.input("W", DType.FLOAT32, longs(ws));
      feed.put("W", w);
    }
    b.initializer("B", random(r, 1, geo.m()));
    if (geo.residual()) {
      b.input("skip", DType.FLOAT32, longs(ys));
      feed.put("skip", skip);
    }
    return b;
  }

  private static Object[] convAttrs(Geometry geo) {
    int rank = geo.in().length;
    long[] pads = new long[2 * rank];
    long[] strides = new long[rank];
    Arrays.fill(pads, geo.pad());
    Arrays.fill(strides, geo.stride());
    return new Object[] {"pads", pads, "strides", strides, "group", (long) geo.group()};
  }

  private static Map<String, Attribute> attributes(Object[] pairs) {
    Map<String, Attribute> a = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      String n = (String) pairs[i];
      a.put(
          n,
          pairs[i + 1] instanceof long[] l
              ? Attribute.of(n, l)
              : Attribute.of(n, ((Long) pairs[i + 1]).longValue()));
    }
    return a;
  }

  private static Tensor random(Random r, double scale, int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    float[] a = t.floats();
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) ((r.nextFloat() * 2 - 1) * scale);
    }
    return t;
  }

  private static long[] longs(int[] s) {
    long[] l = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      l[i] = s[i];
    }
    return l;
  }
}
