package dev.ledge.train.model;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Dim;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Builds models layer by layer into Ledge's IR (ONNX opset 17), for users who start from scratch.
 * The batch dim is symbolic ({@code N}); the builder tracks the per-sample shape to size weights.
 *
 * <pre>{@code
 * ModelDef lenet = Sequential.input("input", 1, 28, 28)
 *     .conv2d(6, 5, 1, 2).relu().maxPool(2)
 *     .conv2d(16, 5).relu().maxPool(2)
 *     .flatten().dense(120).relu().dense(84).relu().dense(10)
 *     .build(42);
 * }</pre>
 *
 * <p>Weights are initialized as PyTorch's defaults: uniform in {@code ±1/sqrt(fan_in)} for weights
 * and biases of dense and convolution layers; BatchNormalization starts at scale 1, bias 0, mean 0,
 * variance 1. Random draws come from {@code java.util.Random(seed)} in layer order, so a seed fixes
 * the model.
 */
public final class Sequential {
  /** The opset of built models. */
  public static final long OPSET = 17;

  private final String inputName;
  private final int[] inputShape;
  private final List<Layer> layers = new ArrayList<>();
  private String outputName = "logits";

  /** One step of the network: adds nodes reading {@code x} of shape {@code shape}. */
  private interface Layer {
    /** Returns the new current value. */
    Value apply(Context ctx, Value x);
  }

  /** A value and its per-sample shape. */
  private record Value(String name, int[] shape) {}

  private Sequential(String inputName, int[] inputShape) {
    this.inputName = inputName;
    this.inputShape = inputShape.clone();
  }

  /** A model whose input has the given per-sample shape (e.g. {@code 1, 28, 28} or {@code 784}). */
  public static Sequential input(String name, int... sampleShape) {
    for (int d : sampleShape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "input dims must be >= 1: " + Arrays.toString(sampleShape));
      }
    }
    return new Sequential(name, sampleShape);
  }

  /** Names the model's output (default {@code logits}). */
  public Sequential output(String name) {
    outputName = name;
    return this;
  }

  /** A fully connected layer: {@code y = x W^T + b} with W {@code [units, in]} (a Gemm). */
  public Sequential dense(int units) {
    return dense(units, true);
  }

  public Sequential dense(int units, boolean bias) {
    positive(units, "units");
    layers.add(
        (c, x) -> {
          if (x.shape.length != 1) {
            throw new LedgeException(
                "dense needs a flat input, got per-sample shape "
                    + Arrays.toString(x.shape)
                    + "; add flatten() first");
          }
          String id = c.id("fc");
          int in = x.shape[0];
          String w = c.param(id + ".weight", c.uniform(in, units, in));
          List<String> ins = new ArrayList<>(List.of(x.name, w));
          if (bias) {
            ins.add(c.param(id + ".bias", c.uniform(in, units)));
          }
          return new Value(c.node("Gemm", id, ins, Attribute.of("transB", 1L)), new int[] {units});
        });
    return this;
  }

  /** A 2-D convolution with a square kernel, stride 1 and no padding. */
  public Sequential conv2d(int filters, int kernel) {
    return conv2d(filters, kernel, 1, 0);
  }

  /** A 2-D convolution with a square kernel, a stride and symmetric zero padding. */
  public Sequential conv2d(int filters, int kernel, int stride, int padding) {
    return conv(filters, kernel, stride, padding, 1, "conv");
  }

  /**
   * A depthwise 2-D convolution: one filter per input channel times {@code multiplier} (group =
   * channels).
   */
  public Sequential depthwiseConv2d(int kernel, int stride, int padding, int multiplier) {
    positive(multiplier, "multiplier");
    return conv(-multiplier, kernel, stride, padding, 0, "dwconv");
  }

  private Sequential conv(
      int filters, int kernel, int stride, int padding, int group, String kind) {
    positive(kernel, "kernel");
    positive(stride, "stride");
    if (padding < 0) {
      throw new IllegalArgumentException("padding must be >= 0, got " + padding);
    }
    layers.add(
        (c, x) -> {
          if (x.shape.length != 3) {
            throw new LedgeException(
                kind + " needs a [C, H, W] input, got " + Arrays.toString(x.shape));
          }
          int ch = x.shape[0];
          int g = group == 0 ? ch : group;
          int out = filters < 0 ? ch * -filters : filters;
          int oh = (x.shape[1] + 2 * padding - kernel) / stride + 1;
          int ow = (x.shape[2] + 2 * padding - kernel) / stride + 1;
          if (oh < 1 || ow < 1) {
            throw new LedgeException(
                kind + " kernel " + kernel + " does not fit input " + Arrays.toString(x.shape));
          }
          String id = c.id(kind);
          int fanIn = ch / g * kernel * kernel;
          String w = c.param(id + ".weight", c.uniform(fanIn, out, ch / g, kernel, kernel));
          String b = c.param(id + ".bias", c.uniform(fanIn, out));
          String y =
              c.node(
                  "Conv",
                  id,
                  List.of(x.name, w, b),
                  Attribute.of("kernel_shape", (long) kernel, kernel),
                  Attribute.of("strides", (long) stride, stride),
                  Attribute.of("pads", (long) padding, padding, padding, padding),
                  g != 1 ? Attribute.of("group", (long) g) : null);
          return new Value(y, new int[] {out, oh, ow});
        });
    return this;
  }

  /** Batch normalization over channels (dim 1), epsilon 1e-5, momentum 0.9 (ONNX convention). */
  public Sequential batchNorm() {
    layers.add(
        (c, x) -> {
          int ch = x.shape[0];
          String id = c.id("bn");
          String s = c.param(id + ".scale", c.fill(1f, ch));
          String b = c.param(id + ".bias", c.fill(0f, ch));
          String m = c.param(id + ".running_mean", c.fill(0f, ch));
          String v = c.param(id + ".running_var", c.fill(1f, ch));
          String y =
              c.node(
                  "BatchNormalization",
                  id,
                  List.of(x.name, s, b, m, v),
                  Attribute.of("epsilon", 1e-5f),
                  Attribute.of("momentum", 0.9f));
          return new Value(y, x.shape);
        });
    return this;
  }

  public Sequential relu() {
    layers.add((c, x) -> new Value(c.node("Relu", c.id("relu"), List.of(x.name)), x.shape));
    return this;
  }

  /** Max pooling with a square window and stride equal to it. */
  public Sequential maxPool(int size) {
    return maxPool(size, size);
  }

  public Sequential maxPool(int size, int stride) {
    positive(size, "size");
    positive(stride, "stride");
    layers.add(
        (c, x) -> {
          if (x.shape.length != 3) {
            throw new LedgeException(
                "maxPool needs a [C, H, W] input, got " + Arrays.toString(x.shape));
          }
          int oh = (x.shape[1] - size) / stride + 1;
          int ow = (x.shape[2] - size) / stride + 1;
          if (oh < 1 || ow < 1) {
            throw new LedgeException(
                "maxPool " + size + " does not fit " + Arrays.toString(x.shape));
          }
          String y =
              c.node(
                  "MaxPool",
                  c.id("pool"),
                  List.of(x.name),
                  Attribute.of("kernel_shape", (long) size, size),
                  Attribute.of("strides", (long) stride, stride));
          return new Value(y, new int[] {x.shape[0], oh, ow});
        });
    return this;
  }

  /** Global average pooling to {@code [C]} (a GlobalAveragePool and a Flatten). */
  public Sequential globalAvgPool() {
    layers.add(
        (c, x) -> {
          if (x.shape.length != 3) {
            throw new LedgeException(
                "globalAvgPool needs a [C, H, W] input, got " + Arrays.toString(x.shape));
          }
          String p = c.node("GlobalAveragePool", c.id("gap"), List.of(x.name));
          String f = c.node("Flatten", c.id("flatten"), List.of(p), Attribute.of("axis", 1L));
          return new Value(f, new int[] {x.shape[0]});
        });
    return this;
  }

  /** Dropout with drop probability {@code p} (active in training graphs only). */
  public Sequential dropout(double p) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }
    layers.add(
        (c, x) -> {
          String id = c.id("dropout");
          String r = c.constant(id + ".ratio", Tensor.scalar((float) p));
          return new Value(c.node("Dropout", id, List.of(x.name, r)), x.shape);
        });
    return this;
  }

  /** Flattens everything but the batch dim. */
  public Sequential flatten() {
    layers.add(
        (c, x) -> {
          int n = 1;
          for (int d : x.shape) {
            n *= d;
          }
          return new Value(
              c.node("Flatten", c.id("flatten"), List.of(x.name), Attribute.of("axis", 1L)),
              new int[] {n});
        });
    return this;
  }

  /**
   * A residual block {@code y = relu(block(x) + shortcut(x))}: the shortcut is the identity, or a
   * 1x1 convolution (with the block's stride) when the block changes the channel count or spatial
   * size. The block is built on a fresh {@link Sequential} of the current shape.
   */
  public Sequential residual(UnaryOperator<Sequential> block) {
    layers.add(
        (c, x) -> {
          Sequential inner = block.apply(new Sequential(x.name, x.shape));
          Value y = x;
          for (Layer l : inner.layers) {
            y = l.apply(c, y);
          }
          String shortcut = x.name;
          if (!Arrays.equals(y.shape, x.shape)) {
            if (x.shape.length != 3 || y.shape.length != 3) {
              throw new LedgeException(
                  "residual block maps "
                      + Arrays.toString(x.shape)
                      + " to "
                      + Arrays.toString(y.shape)
                      + "; only [C, H, W] shapes get a projection");
            }
            int stride = x.shape[1] / y.shape[1];
            if (stride < 1
                || (x.shape[1] - 1) / stride + 1 != y.shape[1]
                || (x.shape[2] - 1) / stride + 1 != y.shape[2]) {
              throw new LedgeException(
                  "residual block maps "
                      + Arrays.toString(x.shape)
                      + " to "
                      + Arrays.toString(y.shape)
                      + ", which no strided 1x1 projection matches");
            }
            String id = c.id("proj");
            int fanIn = x.shape[0];
            String w = c.param(id + ".weight", c.uniform(fanIn, y.shape[0], x.shape[0], 1, 1));
            String b = c.param(id + ".bias", c.uniform(fanIn, y.shape[0]));
            shortcut =
                c.node(
                    "Conv",
                    id,
                    List.of(x.name, w, b),
                    Attribute.of("kernel_shape", 1L, 1),
                    Attribute.of("strides", (long) stride, stride));
          }
          String sum = c.node("Add", c.id("add"), List.of(y.name, shortcut));
          return new Value(c.node("Relu", c.id("relu"), List.of(sum)), y.shape);
        });
    return this;
  }

  /** Builds the model; {@code seed} fixes the initial weights. */
  public ModelDef build(long seed) {
    Graph g = new Graph("sequential");
    List<Dim> dims = new ArrayList<>();
    dims.add(Dim.symbolic("N"));
    for (int d : inputShape) {
      dims.add(Dim.of(d));
    }
    g.inputs().add(new ValueInfo(inputName, ValueType.tensor(DType.FLOAT32, new Shape(dims))));
    Context c = new Context(g, new Random(seed));
    Value x = new Value(inputName, inputShape);
    for (Layer l : layers) {
      x = l.apply(c, x);
    }
    // Name the output: an Identity keeps node outputs unique and the name stable.
    g.nodes()
        .add(new Node("output", "Identity", "", List.of(x.name), List.of(outputName), Map.of()));
    List<Dim> out = new ArrayList<>();
    out.add(Dim.symbolic("N"));
    for (int d : x.shape) {
      out.add(Dim.of(d));
    }
    g.outputs().add(new ValueInfo(outputName, ValueType.tensor(DType.FLOAT32, new Shape(out))));
    ModelDef m = new ModelDef(g);
    m.opsetImports().put("", OPSET);
    m.setProducerName("ledge-train");
    m.metadata().put("ledge.init_seed", Long.toString(seed));
    return m;
  }

  private static void positive(int v, String what) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be >= 1, got " + v);
    }
  }

  /** Graph being built, the random source and name counters. */
  private static final class Context {
    final Graph g;
    final Random rnd;
    final Map<String, Integer> counters = new LinkedHashMap<>();

    Context(Graph g, Random rnd) {
      this.g = g;
      this.rnd = rnd;
    }

    String id(String kind) {
      int n = counters.merge(kind, 1, Integer::sum);
      return kind + n;
    }

    String param(String name, Tensor value) {
      g.initializers().put(name, value);
      return name;
    }

    String constant(String name, Tensor value) {
      g.initializers().put(name, value);
      return name;
    }

    Tensor uniform(int fanIn, int... shape) {
      Tensor t = Tensor.allocate(DType.FLOAT32, shape);
      double bound = 1 / Math.sqrt(fanIn);
      float[] a = t.floats();
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      return t;
    }

    Tensor fill(float v, int n) {
      Tensor t = Tensor.allocate(DType.FLOAT32, n);
      Arrays.fill(t.floats(), v);
      return t;
    }

    String node(String op, String id, List<String> inputs, Attribute... attrs) {
      Map<String, Attribute> a = new LinkedHashMap<>();
      for (Attribute at : attrs) {
        if (at != null) {
          a.put(at.name(), at);
        }
      }
      g.nodes().add(new Node(id, op, "", inputs, List.of(id), a));
      return id;
    }
  }
}
