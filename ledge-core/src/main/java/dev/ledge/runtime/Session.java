package dev.ledge.runtime;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Executor.Frame;
import dev.ledge.tensor.OptionalValue;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a model. A session is not safe for concurrent use: give each thread its own (sessions of one
 * {@link Model} share the compiled plan, so creating another is cheap).
 *
 * <p>Outputs returned by {@link #run(Map)} belong to the caller. {@link #run(Map, Map)} writes into
 * tensors the caller provides instead.
 *
 * <p>A session keeps the buffers of intermediate values between runs, shared among values whose
 * lifetimes do not overlap ({@link #memoryStats()}; see {@code docs/runtime.md}), and its kernels'
 * state: once input shapes are steady, {@link #run(Map, Map)} allocates nothing.
 */
public final class Session implements AutoCloseable {
  private final Plan plan;
  private final SessionOptions options;
  private final Executor.RunState state = new Executor.RunState();

  /** Per input, per dim: index of its symbol in symbolNames, or -1. */
  private final int[][] symbolIds;

  private final String[] symbolNames;
  private final long[] symbolValues;
  private boolean closed;

  Session(Plan plan, SessionOptions options) {
    this.plan = plan;
    this.options = options;
    java.util.List<String> symbols = new java.util.ArrayList<>();
    symbolIds = new int[plan.inputSlots().length][];
    for (int i = 0; i < symbolIds.length; i++) {
      if (plan.slotTypes()[plan.inputSlots()[i]] instanceof ValueType.TensorType tt
          && tt.shape() != null) {
        symbolIds[i] = new int[tt.shape().rank()];
        for (int d = 0; d < symbolIds[i].length; d++) {
          String sym = tt.shape().dim(d).isKnown() ? null : tt.shape().dim(d).symbol();
          if (sym == null) {
            symbolIds[i][d] = -1;
          } else {
            if (!symbols.contains(sym)) {
              symbols.add(sym);
            }
            symbolIds[i][d] = symbols.indexOf(sym);
          }
        }
      }
    }
    symbolNames = symbols.toArray(String[]::new);
    symbolValues = new long[symbolNames.length];
    if (options.profile()) {
      state.profile = new Profile();
    }
    state.threads = options.threads();
    state.shareBuffers = options.shareBuffers();
    state.poisonBuffers = options.poisonBuffers();
  }

  /**
   * Memory of the buffers this session keeps for intermediate values (subgraphs included), against
   * what its last run would need without sharing. Zero before the first run.
   */
  public MemoryStats memoryStats() {
    return state.memory();
  }

  /** Time and allocation per operator type so far, or null unless profiling was enabled. */
  public Profile profile() {
    return state.profile;
  }

  public SessionOptions options() {
    return options.copy();
  }

  /** Runs the model on tensor inputs and returns every graph output, in declaration order. */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    Frame frame = runFrame(inputs, true);
    Map<String, Tensor> out = LinkedHashMap.newLinkedHashMap(plan.outputSlots().length);
    for (int i = 0; i < plan.outputSlots().length; i++) {
      Object v = frame.ownedOutput(plan.outputSlots()[i]);
      if (!(v instanceof Tensor t)) {
        throw new InputException(
            "output '"
                + plan.outputNames()[i]
                + "' is a "
                + describe(v)
                + ", not a tensor; use runValues()");
      }
      out.put(plan.outputNames()[i], t);
    }
    return out;
  }

  /**
   * Runs the model and copies each output named in {@code outputs} into the tensor given for it,
   * which must have the output's dtype and shape. With steady input shapes this variant reuses
   * every internal buffer and tensor, so once the JIT has compiled the kernels a run allocates
   * nothing.
   */
  public void run(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
    // Looked up by the model's names rather than iterated: a steady run allocates nothing.
    String[] names = plan.outputNames();
    int found = 0;
    for (String name : names) {
      if (outputs.containsKey(name)) {
        found++;
      }
    }
    if (found != outputs.size()) {
      for (String name : outputs.keySet()) {
        if (outputIndex(name) < 0) {
          throw new InputException(
              "unknown output '" + name + "'; the model's outputs are " + Arrays.toString(names));
        }
      }
    }
    Frame frame = runFrame(inputs, false);
    for (int i = 0; i < names.length; i++) {
      Tensor into = outputs.get(names[i]);
      if (into == null) {
        continue;
      }
      Object v = frame.values[plan.outputSlots()[i]];
      if (!(v instanceof Tensor got)) {
        throw new InputException("output '" + names[i] + "' is not a tensor: " + describe(v));
      }
      if (got.dtype() != into.dtype() || !got.sameShape(into)) {
        throw new InputException(
            "output '" + names[i] + "' is " + got + " but the tensor provided for it is " + into);
      }
      into.copyFrom(got);
    }
  }

  /**
   * Runs the model with any kind of input value (Tensor, TensorSequence, OptionalValue) and returns
   * every output, in declaration order. Outputs belong to the caller.
   */
  public Map<String, Object> runValues(Map<String, ?> inputs) {
    Frame frame = runFrame(inputs, true);
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < plan.outputSlots().length; i++) {
      out.put(plan.outputNames()[i], frame.ownedOutput(plan.outputSlots()[i]));
    }
    return out;
  }

  private Frame runFrame(Map<String, ?> inputs, boolean freshOutputs) {
    if (closed) {
      throw new IllegalStateException("session is closed");
    }
    Frame frame = state.frame(plan);
    frame.reset();
    frame.freshOutputs = freshOutputs;
    bindInputs(inputs, frame.values);
    frame.runSteps();
    return frame;
  }

  private int outputIndex(String name) {
    String[] names = plan.outputNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private void bindInputs(Map<String, ?> inputs, Object[] values) {
    String[] names = plan.inputNames();
    if (inputs.size() > names.length || !allKnown(inputs, names)) {
      for (String given : inputs.keySet()) {
        if (Arrays.asList(names).indexOf(given) < 0) {
          throw new InputException(
              "unknown input '" + given + "'; the model's inputs are " + Arrays.toString(names));
        }
      }
    }
    Arrays.fill(symbolValues, -1);
    for (int i = 0; i < names.length; i++) {
      int slot = plan.inputSlots()[i];
      Object v = inputs.get(names[i]);
      if (v == null) {
        Tensor def = plan.defaults().get(slot);
        if (def == null) {
          throw new InputException(
              "missing input '" + names[i] + "' (" + plan.slotTypes()[slot] + ")");
        }
        values[slot] = def;
        continue;
      }
      values[slot] =
          check(names[i], plan.slotTypes()[slot], v, symbolIds[i], symbolValues, symbolNames);
    }
  }

  private static boolean allKnown(Map<String, ?> inputs, String[] names) {
    int found = 0;
    for (String n : names) {
      if (inputs.containsKey(n)) {
        found++;
      }
    }
    return found == inputs.size();
  }

  private static Object check(
      String name,
      ValueType type,
      Object v,
      int[] symbolIds,
      long[] symbolValues,
      String[] symbolNames) {
    if (type instanceof ValueType.TensorType tt) {
      if (!(v instanceof Tensor t)) {
        throw new InputException(
            "input '" + name + "' expects a tensor (" + tt + "), got " + describe(v));
      }
      if (tt.dtype() != null && t.dtype() != tt.dtype()) {
        throw new InputException(
            "input '" + name + "' expects dtype " + tt.dtype() + ", got " + t.dtype());
      }
      Shape s = tt.shape();
      if (s != null) {
        if (s.rank() != t.rank()) {
          throw new InputException(
              "input '"
                  + name
                  + "' expects rank "
                  + s.rank()
                  + " "
                  + s
                  + ", got shape "
                  + Arrays.toString(t.shape()));
        }
        for (int d = 0; d < s.rank(); d++) {
          Dim dim = s.dim(d);
          if (dim.isKnown() && dim.value() != t.dim(d)) {
            throw new InputException(
                "input '"
                    + name
                    + "' expects shape "
                    + s
                    + ", got "
                    + Arrays.toString(t.shape())
                    + " (dim "
                    + d
                    + " should be "
                    + dim.value()
                    + ")");
          }
          int id = symbolIds == null ? -1 : symbolIds[d];
          if (id >= 0) {
            long prev = symbolValues[id];
            if (prev < 0) {
              symbolValues[id] = t.dim(d);
            } else if (prev != t.dim(d)) {
              throw new InputException(
                  "input '"
                      + name
                      + "' dim "
                      + d
                      + " ('"
                      + symbolNames[id]
                      + "') is "
                      + t.dim(d)
                      + " but another input set '"
                      + symbolNames[id]
                      + "' to "
                      + prev);
            }
          }
        }
      }
      return t.toHeap();
    }
    if (type instanceof ValueType.SequenceType && !(v instanceof TensorSequence)) {
      throw new InputException("input '" + name + "' expects a sequence, got " + describe(v));
    }
    if (type instanceof ValueType.OptionalType && !(v instanceof OptionalValue)) {
      throw new InputException("input '" + name + "' expects an optional, got " + describe(v));
    }
    return v;
  }

  private static String describe(Object v) {
    return v == null ? "nothing" : v.toString();
  }

  @Override
  public void close() {
    closed = true;
  }
}
