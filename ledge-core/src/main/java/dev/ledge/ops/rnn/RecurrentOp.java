package dev.ledge.ops.rnn;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.kernels.ReferenceRnn.Activation;
import dev.ledge.kernels.ReferenceRnn.Function;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What LSTM, GRU and RNN share: inputs {@code X, W, R, B, sequence_lens, initial_h} (LSTM adds
 * {@code initial_c, P}), the {@code direction}, {@code layout}, {@code hidden_size}, {@code clip}
 * and activation attributes, the outputs {@code Y, Y_h} (LSTM adds {@code Y_c}), and the loop over
 * directions, batch rows and time steps. Subclasses supply the gate count, the default activations
 * and a {@link Cell} that computes one step.
 *
 * <p>{@code sequence_lens} follows ONNX Runtime: a row runs only its first {@code len} steps (a
 * reverse direction runs them from {@code len - 1} down to 0), {@code Y} is zero past {@code len},
 * and {@code Y_h}/{@code Y_c} hold the state after the row's last step (zeros when {@code len} is
 * 0).
 */
abstract class RecurrentOp implements Operator {
  static final int X = 0;
  static final int W = 1;
  static final int R = 2;
  static final int B = 3;
  static final int SEQUENCE_LENS = 4;
  static final int INITIAL_H = 5;
  static final int INITIAL_C = 6;
  static final int P = 7;

  /** Number of gates (4 for LSTM, 3 for GRU, 1 for RNN). */
  abstract int gates();

  /** The default activations of one direction. */
  abstract List<String> defaultActivations();

  /** True for LSTM (cell state, peepholes, {@code Y_c}). */
  boolean hasCellState() {
    return false;
  }

  /** Op-specific attributes; returns the factory of cells for one run. */
  abstract CellFactory prepareCell(OpContext ctx, Config config);

  /**
   * The parsed attributes.
   *
   * @param numDirections 1 or 2
   * @param reverse per direction, true if it runs backwards in time
   * @param layout 0 ({@code [seq, batch, ...]}) or 1 ({@code [batch, seq, ...]})
   * @param hiddenSize the {@code hidden_size} attribute, or -1 if absent
   * @param clip the clip threshold or positive infinity
   * @param activations per direction, the activations in ONNX order
   */
  record Config(
      int numDirections,
      boolean[] reverse,
      int layout,
      long hiddenSize,
      float clip,
      Activation[][] activations) {}

  /** Creates the cell of one direction for one run, from that run's weights. */
  @FunctionalInterface
  interface CellFactory {
    Cell create(Weights weights, int direction);
  }

  /**
   * One run's float32 weights with their sizes.
   *
   * @param w input weights {@code [dirs, gates * hidden, input]}
   * @param r recurrence weights {@code [dirs, gates * hidden, hidden]}
   * @param b biases {@code [dirs, 2 * gates * hidden]} or null
   * @param p peepholes {@code [dirs, 3 * hidden]} or null
   * @param hidden hidden size
   * @param input input size
   */
  record Weights(Tensor w, Tensor r, Tensor b, Tensor p, int hidden, int input) {}

  /** One time step of one batch row in one direction. */
  interface Cell {
    /**
     * Advances the state by one step.
     *
     * @param x the input array; this row's step starts at {@code xOff} ({@code input} values)
     * @param h the hidden state, updated in place
     * @param c the cell state (LSTM), updated in place; unused otherwise
     */
    void step(float[] x, int xOff, float[] h, float[] c);
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    int maxInputs = hasCellState() ? 8 : 6;
    ctx.requireInputCount(3, maxInputs);
    String op = ctx.node().opType();
    DType t = ctx.requireInputType(X, DType.FLOAT32, DType.FLOAT16, DType.FLOAT64, DType.BFLOAT16);
    if (t != null && t != DType.FLOAT32) {
      throw ctx.unsupported(op + " is implemented for float32 only, input X is " + t);
    }
    for (int i : new int[] {W, R, B, INITIAL_H, INITIAL_C, P}) {
      if (i < ctx.inputCount() && ctx.hasInput(i)) {
        DType it = ctx.inputDType(i);
        if (it != null && it != DType.FLOAT32) {
          throw ctx.error(
              "input "
                  + i
                  + " ('"
                  + ctx.node().input(i)
                  + "') has type "
                  + it
                  + ", expected float32");
        }
      }
    }
    if (ctx.hasInput(SEQUENCE_LENS)) {
      ctx.requireInputType(SEQUENCE_LENS, DType.INT32);
    }
    Config config = parseConfig(ctx);
    CellFactory cells = prepareCell(ctx, config);
    declareOutputs(ctx, config);
    boolean cellState = hasCellState();
    int gates = gates();
    return exec -> run(exec, config, cells, gates, cellState);
  }

  private Config parseConfig(OpContext ctx) {
    String direction = ctx.attrString("direction", "forward");
    boolean[] reverse =
        switch (direction) {
          case "forward" -> new boolean[] {false};
          case "reverse" -> new boolean[] {true};
          case "bidirectional" -> new boolean[] {false, true};
          default ->
              throw ctx.error(
                  "attribute direction is '"
                      + direction
                      + "', expected forward, reverse or bidirectional");
        };
    int dirs = reverse.length;
    long layout = ctx.attrInt("layout", 0);
    if (layout != 0 && layout != 1) {
      throw ctx.error("attribute layout is " + layout + ", expected 0 or 1");
    }
    if (layout != 0 && ctx.opsetVersion() < 14) {
      throw ctx.error(
          "attribute layout exists from opset 14, the model imports opset " + ctx.opsetVersion());
    }
    long hidden = ctx.attrInt("hidden_size", -1);
    if (ctx.hasAttr("hidden_size") && hidden <= 0) {
      throw ctx.error("attribute hidden_size is " + hidden + ", expected a positive size");
    }
    float clip = Float.POSITIVE_INFINITY;
    if (ctx.hasAttr("clip")) {
      clip = ctx.attrFloat("clip", 0f);
      if (!(clip > 0)) {
        throw ctx.error("attribute clip is " + clip + ", expected a positive threshold");
      }
    }
    return new Config(dirs, reverse, (int) layout, hidden, clip, parseActivations(ctx, dirs));
  }

  /**
   * Parses {@code activations}, {@code activation_alpha} and {@code activation_beta}. ONNX says the
   * alpha/beta lists are "consumed in the order of the activation functions"; ONNX Runtime gives
   * each list entry to the next function that uses the parameter, while other readings index the
   * lists by function position. Where the two readings give different values the node is
   * unsupported rather than guessed; so are functions whose parameter is left to its default when
   * ONNX Runtime's default (0) differs from the ONNX operator's.
   */
  private Activation[][] parseActivations(OpContext ctx, int dirs) {
    List<String> defaults = defaultActivations();
    int perDir = defaults.size();
    List<String> names = ctx.attrStrings("activations", null);
    if (names == null) {
      names = new ArrayList<>();
      for (int d = 0; d < dirs; d++) {
        names.addAll(defaults);
      }
    } else if (names.size() != perDir * dirs) {
      throw ctx.error(
          "attribute activations has "
              + names.size()
              + " functions, expected "
              + perDir * dirs
              + " ("
              + perDir
              + " per direction)");
    }
    float[] alphas = ctx.attrFloats("activation_alpha", new float[0]);
    float[] betas = ctx.attrFloats("activation_beta", new float[0]);
    Activation[][] result = new Activation[dirs][perDir];
    int nextAlpha = 0;
    int nextBeta = 0;
    for (int k = 0; k < names.size(); k++) {
      String name = names.get(k);
      Function f = Function.fromOnnx(name);
      if (f == null) {
        throw ctx.error(
            "activation '"
                + name
                + "' is not one of Sigmoid, Tanh, Relu, Affine, LeakyRelu, ThresholdedRelu,"
                + " ScaledTanh, HardSigmoid, Elu, Softsign, Softplus");
      }
      float alpha = 0f;
      float beta = 0f;
      if (f.usesAlpha()) {
        alpha = parameter(ctx, f, "alpha", alphas, nextAlpha++, k);
      }
      if (f.usesBeta()) {
        beta = parameter(ctx, f, "beta", betas, nextBeta++, k);
      }
      result[k / perDir][k % perDir] = new Activation(f, alpha, beta);
    }
    return result;
  }

  private static float parameter(
      OpContext ctx, Function f, String which, float[] values, int sequential, int position) {
    if (sequential != position && (sequential < values.length || position < values.length)) {
      throw ctx.unsupported(
          "activation_"
              + which
              + " is ambiguous for activation "
              + position
              + " ("
              + f.onnxName()
              + "): ONNX Runtime takes entry "
              + sequential
              + ", a positional reading takes entry "
              + position);
    }
    if (sequential < values.length) {
      return values[sequential];
    }
    return switch (f) {
      case LEAKY_RELU -> 0.01f;
      case HARD_SIGMOID -> which.equals("alpha") ? 0.2f : 0.5f;
      case ELU -> 1.0f;
      default ->
          throw ctx.unsupported(
              "activation "
                  + f.onnxName()
                  + " without activation_"
                  + which
                  + ": its default is ambiguous (ONNX Runtime uses 0, the ONNX operator"
                  + " does not)");
    };
  }

  private void declareOutputs(OpContext ctx, Config config) {
    Shape x = ctx.inputShape(X);
    Dim seq = Dim.unknown();
    Dim batch = Dim.unknown();
    if (x != null) {
      if (x.rank() != 3) {
        throw ctx.error("input X has shape " + x + ", expected rank 3");
      }
      seq = x.dim(config.layout() == 0 ? 0 : 1);
      batch = x.dim(config.layout() == 0 ? 1 : 0);
    }
    Dim hidden = Dim.unknown();
    if (config.hiddenSize() > 0) {
      hidden = Dim.of(config.hiddenSize());
    } else if (ctx.inputShape(R) != null && ctx.inputShape(R).rank() == 3) {
      hidden = ctx.inputShape(R).dim(2);
    }
    Dim dirs = Dim.of(config.numDirections());
    Shape y =
        config.layout() == 0
            ? new Shape(List.of(seq, dirs, batch, hidden))
            : new Shape(List.of(batch, seq, dirs, hidden));
    Shape state =
        config.layout() == 0
            ? new Shape(List.of(dirs, batch, hidden))
            : new Shape(List.of(batch, dirs, hidden));
    ctx.setOutput(0, DType.FLOAT32, y);
    ctx.setOutput(1, DType.FLOAT32, state);
    if (hasCellState()) {
      ctx.setOutput(2, DType.FLOAT32, state);
    } else if (ctx.outputCount() > 2) {
      throw ctx.error("has " + ctx.outputCount() + " outputs, expected at most 2");
    }
    if (ctx.outputCount() > 3) {
      throw ctx.error("has " + ctx.outputCount() + " outputs, expected at most 3");
    }
  }

  // ---- execution ----

  private static final String[] INPUT_NAMES = {
    "X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"
  };

  /**
   * Sizes, cells and state buffers for one set of inputs (the node's state between runs): kept
   * while X has the same shape and W, R, B and P are the same tensors (constants, typically), so
   * that a steady run allocates nothing.
   */
  private static final class Plan {
    final int[] xShape;
    final Tensor w;
    final Tensor r;
    final Tensor b;
    final Tensor p;
    final int seq;
    final int batch;
    final int input;
    final int hidden;
    final int[] stateShape;
    final int[] yShape;
    final Cell[] cells;
    final float[] h;
    final float[] c;
    final int[] lens;

    Plan(
        int[] xShape,
        Tensor w,
        Tensor r,
        Tensor b,
        Tensor p,
        int seq,
        int batch,
        int input,
        int hidden,
        int[] stateShape,
        int[] yShape,
        Cell[] cells) {
      this.xShape = xShape;
      this.w = w;
      this.r = r;
      this.b = b;
      this.p = p;
      this.seq = seq;
      this.batch = batch;
      this.input = input;
      this.hidden = hidden;
      this.stateShape = stateShape;
      this.yShape = yShape;
      this.cells = cells;
      this.h = new float[hidden];
      this.c = new float[hidden];
      this.lens = new int[batch];
    }

    boolean fits(Tensor x, Tensor w, Tensor r, Tensor b, Tensor p) {
      return x.hasShape(xShape) && w == this.w && r == this.r && b == this.b && p == this.p;
    }
  }

  private static Plan plan(
      ExecContext ctx,
      Config config,
      CellFactory cells,
      int gates,
      boolean cellState,
      Tensor x,
      Tensor w,
      Tensor r,
      Tensor b,
      Tensor p) {
    int dirs = config.numDirections();
    for (int i = 0; i < ctx.inputCount() && i < INPUT_NAMES.length; i++) {
      Tensor t = ctx.input(i);
      if (i != SEQUENCE_LENS && t != null && t.dtype() != DType.FLOAT32) {
        throw ctx.error("input " + INPUT_NAMES[i] + " is " + t.dtype() + ", expected float32");
      }
    }
    requireRank(ctx, "X", x, 3);
    requireRank(ctx, "W", w, 3);
    requireRank(ctx, "R", r, 3);
    boolean batchFirst = config.layout() == 1;
    int seq = batchFirst ? x.dim(1) : x.dim(0);
    int batch = batchFirst ? x.dim(0) : x.dim(1);
    int input = x.dim(2);
    int hidden = r.dim(2);
    if (config.hiddenSize() > 0 && hidden != config.hiddenSize()) {
      throw ctx.error(
          "input R has shape "
              + Arrays.toString(r.shape())
              + ": its last dim must be hidden_size "
              + config.hiddenSize());
    }
    requireShape(ctx, "W", w, dirs, gates * hidden, input);
    requireShape(ctx, "R", r, dirs, gates * hidden, hidden);
    if (b != null) {
      requireShape(ctx, "B", b, dirs, 2 * gates * hidden);
    }
    if (p != null) {
      requireShape(ctx, "P", p, dirs, 3 * hidden);
    }
    int[] stateShape =
        batchFirst ? new int[] {batch, dirs, hidden} : new int[] {dirs, batch, hidden};
    int[] yShape =
        batchFirst ? new int[] {batch, seq, dirs, hidden} : new int[] {seq, dirs, batch, hidden};
    Weights weights = new Weights(w, r, b, p, hidden, input);
    Cell[] perDirection = new Cell[dirs];
    for (int d = 0; d < dirs; d++) {
      perDirection[d] = cells.create(weights, d);
    }
    Plan plan =
        new Plan(
            x.shape(), w, r, b, p, seq, batch, input, hidden, stateShape, yShape, perDirection);
    ctx.setKernelState(plan);
    return plan;
  }

  private static void run(
      ExecContext ctx, Config config, CellFactory cells, int gates, boolean cellState) {
    Tensor x = ctx.input(X);
    Tensor w = ctx.input(W);
    Tensor r = ctx.input(R);
    Tensor b = ctx.input(B);
    Tensor p = cellState ? ctx.input(P) : null;
    Plan plan =
        ctx.kernelState() instanceof Plan k && k.fits(x, w, r, b, p)
            ? k
            : plan(ctx, config, cells, gates, cellState, x, w, r, b, p);
    int dirs = config.numDirections();
    boolean batchFirst = config.layout() == 1;
    int seq = plan.seq;
    int batch = plan.batch;
    int input = plan.input;
    int hidden = plan.hidden;
    int[] stateShape = plan.stateShape;
    Tensor h0 = ctx.input(INITIAL_H);
    if (h0 != null) {
      requireShape(ctx, "initial_h", h0, stateShape);
    }
    Tensor c0 = cellState ? ctx.input(INITIAL_C) : null;
    if (c0 != null) {
      requireShape(ctx, "initial_c", c0, stateShape);
    }
    int[] lens = sequenceLengths(ctx, batch, seq, plan.lens);

    Tensor y = ctx.hasOutput(0) ? ctx.output(0, DType.FLOAT32, plan.yShape) : null;
    Tensor yh = ctx.hasOutput(1) ? ctx.output(1, DType.FLOAT32, stateShape) : null;
    Tensor yc = cellState && ctx.hasOutput(2) ? ctx.output(2, DType.FLOAT32, stateShape) : null;
    if (y != null) {
      Arrays.fill(y.floats(), y.offset(), y.offset() + y.size(), 0f);
    }

    float[] xs = x.floats();
    int xo = x.offset();
    float[] h = plan.h;
    float[] c = plan.c;
    for (int d = 0; d < dirs; d++) {
      Cell cell = plan.cells[d];
      boolean reverse = config.reverse()[d];
      for (int row = 0; row < batch; row++) {
        int stateAt = batchFirst ? (row * dirs + d) * hidden : (d * batch + row) * hidden;
        load(h0, stateAt, h);
        load(c0, stateAt, c);
        int len = lens[row];
        for (int s = 0; s < len; s++) {
          int t = reverse ? len - 1 - s : s;
          int xAt = xo + (batchFirst ? row * seq + t : t * batch + row) * input;
          cell.step(xs, xAt, h, c);
          if (y != null) {
            int yAt =
                batchFirst
                    ? ((row * seq + t) * dirs + d) * hidden
                    : ((t * dirs + d) * batch + row) * hidden;
            System.arraycopy(h, 0, y.floats(), y.offset() + yAt, hidden);
          }
        }
        if (len == 0) {
          Arrays.fill(h, 0f);
          Arrays.fill(c, 0f);
        }
        if (yh != null) {
          System.arraycopy(h, 0, yh.floats(), yh.offset() + stateAt, hidden);
        }
        if (yc != null) {
          System.arraycopy(c, 0, yc.floats(), yc.offset() + stateAt, hidden);
        }
      }
    }
  }

  private static void load(Tensor init, int at, float[] state) {
    if (init == null) {
      Arrays.fill(state, 0f);
    } else {
      System.arraycopy(init.floats(), init.offset() + at, state, 0, state.length);
    }
  }

  private static int[] sequenceLengths(ExecContext ctx, int batch, int seq, int[] lens) {
    Tensor t = ctx.input(SEQUENCE_LENS);
    if (t == null) {
      Arrays.fill(lens, seq);
      return lens;
    }
    if (t.rank() != 1 || t.dim(0) != batch) {
      requireShape(ctx, "sequence_lens", t, batch);
    }
    for (int i = 0; i < batch; i++) {
      long v = t.getLong(i);
      if (v < 0 || v > seq) {
        throw ctx.error(
            "sequence_lens[" + i + "] is " + v + ", expected 0.." + seq + " (the length of X)");
      }
      lens[i] = (int) v;
    }
    return lens;
  }

  private static void requireRank(ExecContext ctx, String name, Tensor t, int rank) {
    if (t.rank() != rank) {
      throw ctx.error(
          "input " + name + " has shape " + Arrays.toString(t.shape()) + ", expected rank " + rank);
    }
  }

  private static void requireShape(ExecContext ctx, String name, Tensor t, int... shape) {
    if (!t.hasShape(shape)) {
      throw ctx.error(
          "input "
              + name
              + " has shape "
              + Arrays.toString(t.shape())
              + ", expected "
              + Arrays.toString(shape));
    }
  }
}
