package dev.ledge.runtime;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.OptionalValue;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a model. A session is not safe for concurrent use: give each thread its own (sessions of one
 * {@link Model} share the compiled plan, so creating another is cheap).
 *
 * <p>Outputs returned by {@link #run(Map)} belong to the caller. {@link #run(Map, Map)} writes into
 * tensors the caller provides instead.
 */
public final class Session implements AutoCloseable {
  private final Plan plan;
  private final SessionOptions options;
  private boolean closed;

  Session(Plan plan, SessionOptions options) {
    this.plan = plan;
    this.options = options;
  }

  public SessionOptions options() {
    return options.copy();
  }

  /** Runs the model on tensor inputs and returns every graph output, in declaration order. */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    Map<String, Object> values = runValues(inputs);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (!(e.getValue() instanceof Tensor t)) {
        throw new InputException(
            "output '"
                + e.getKey()
                + "' is a "
                + describe(e.getValue())
                + ", not a tensor; use runValues()");
      }
      out.put(e.getKey(), t);
    }
    return out;
  }

  /**
   * Runs the model and copies each output named in {@code outputs} into the tensor given for it,
   * which must have the output's dtype and shape.
   */
  public void run(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
    for (String name : outputs.keySet()) {
      if (Arrays.asList(plan.outputNames()).indexOf(name) < 0) {
        throw new InputException(
            "unknown output '"
                + name
                + "'; the model's outputs are "
                + Arrays.toString(plan.outputNames()));
      }
    }
    Map<String, Tensor> result = run(inputs);
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      Tensor got = result.get(e.getKey());
      Tensor into = e.getValue();
      if (got.dtype() != into.dtype() || !Arrays.equals(got.shape(), into.shape())) {
        throw new InputException(
            "output '" + e.getKey() + "' is " + got + " but the tensor provided for it is " + into);
      }
      into.copyFrom(got);
    }
  }

  /**
   * Runs the model with any kind of input value (Tensor, TensorSequence, OptionalValue) and returns
   * every output, in declaration order.
   */
  public Map<String, Object> runValues(Map<String, ?> inputs) {
    if (closed) {
      throw new IllegalStateException("session is closed");
    }
    Object[] values = plan.constants().clone();
    bindInputs(inputs, values);
    Executor.run(plan, values);
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < plan.outputSlots().length; i++) {
      int slot = plan.outputSlots()[i];
      Object v = values[slot];
      // Constants and inputs are shared with the plan or the caller: hand out a copy.
      if (v instanceof Tensor t && (plan.constants()[slot] != null || isInput(slot))) {
        v = t.copy();
      }
      out.put(plan.outputNames()[i], v);
    }
    return out;
  }

  private boolean isInput(int slot) {
    for (int s : plan.inputSlots()) {
      if (s == slot) {
        return true;
      }
    }
    return false;
  }

  private void bindInputs(Map<String, ?> inputs, Object[] values) {
    String[] names = plan.inputNames();
    for (String given : inputs.keySet()) {
      if (Arrays.asList(names).indexOf(given) < 0) {
        throw new InputException(
            "unknown input '" + given + "'; the model's inputs are " + Arrays.toString(names));
      }
    }
    Map<String, Long> symbols = new HashMap<>();
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
      values[slot] = check(names[i], plan.slotTypes()[slot], v, symbols);
    }
  }

  private static Object check(String name, ValueType type, Object v, Map<String, Long> symbols) {
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
          if (!dim.isKnown() && dim.symbol() != null) {
            Long prev = symbols.putIfAbsent(dim.symbol(), (long) t.dim(d));
            if (prev != null && prev != t.dim(d)) {
              throw new InputException(
                  "input '"
                      + name
                      + "' dim "
                      + d
                      + " ('"
                      + dim.symbol()
                      + "') is "
                      + t.dim(d)
                      + " but another input set '"
                      + dim.symbol()
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
