package dev.ledge.runtime;

import dev.ledge.LedgeException;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.OptionalValue;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs plans. Each plan gets a {@link Frame} per session: its value slots, a reusable {@link
 * StepContext}, and a cache of output buffers per slot, so that once shapes are steady a run
 * allocates no tensors for intermediate values. Values that leave a graph (its outputs) are always
 * owned by the receiver: freshly allocated, or copied if they alias a reused buffer.
 */
final class Executor {
  private Executor() {}

  /** Mutable state of one session: a frame per plan it has run. Not thread-safe. */
  static final class RunState {
    private final Map<Plan, Frame> frames = new IdentityHashMap<>();

    /** Per-op totals, or null when not profiling. */
    Profile profile;

    /** Intra-op threads kernels may use. */
    int threads = 1;

    Frame frame(Plan plan) {
      Frame f = frames.get(plan);
      if (f == null || f.active) {
        // A plan re-entered while running (not possible in valid ONNX) gets a frame of its own.
        Frame fresh = new Frame(plan, this);
        if (f == null) {
          frames.put(plan, fresh);
        }
        return fresh;
      }
      return f;
    }
  }

  /** Value slots and buffers of one plan in one session. */
  static final class Frame {
    final Plan plan;
    final RunState state;
    final Object[] values;

    /** Reusable output buffer per slot (intermediate values only). */
    final Tensor[] cache;

    /** True for slots whose current value was allocated fresh in this run (safe to hand out). */
    final boolean[] fresh;

    final StepContext ctx;

    /** When true, graph-output slots get fresh buffers (they are handed to the caller). */
    boolean freshOutputs = true;

    boolean active;

    Frame(Plan plan, RunState state) {
      this.plan = plan;
      this.state = state;
      this.values = new Object[plan.slotCount()];
      this.cache = new Tensor[plan.slotCount()];
      this.fresh = new boolean[plan.slotCount()];
      this.ctx = new StepContext(this);
    }

    /** A frame over given values with no plan: every output is allocated fresh (folding). */
    Frame(Object[] values) {
      this.plan = null;
      this.state = new RunState();
      this.values = values;
      this.cache = new Tensor[values.length];
      this.fresh = new boolean[values.length];
      this.ctx = new StepContext(this);
    }

    /** Resets values to the plan's constants before a run. */
    void reset() {
      System.arraycopy(plan.constants(), 0, values, 0, values.length);
      Arrays.fill(fresh, false);
    }

    /** Runs every step. */
    void runSteps() {
      active = true;
      Profile profile = state.profile;
      try {
        for (Step step : plan.steps()) {
          ctx.step = step;
          if (profile == null) {
            execute(step, ctx);
          } else {
            long b0 = profile.allocated();
            long t0 = profile.now();
            execute(step, ctx);
            long t1 = profile.now();
            String op =
                step.node().domain().isEmpty()
                    ? step.node().opType()
                    : step.node().domain() + "." + step.node().opType();
            profile.add(op, t1 - t0, profile.allocated() - b0);
          }
        }
      } finally {
        active = false;
      }
    }

    /** The value of an output slot, copied unless this run allocated it fresh. */
    Object ownedOutput(int slot) {
      Object v = values[slot];
      if (fresh[slot] && v instanceof Tensor) {
        return v;
      }
      return deepCopy(v);
    }
  }

  /**
   * Runs one step over a bare value array (constant folding at plan time); every output is freshly
   * allocated, so it can become a constant of the plan.
   */
  static void runStep(Step step, Object[] values) {
    Frame f = new Frame(values);
    f.ctx.step = step;
    execute(step, f.ctx);
  }

  private static void execute(Step step, StepContext ctx) {
    try {
      step.kernel().execute(ctx);
    } catch (OpException e) {
      throw e;
    } catch (LedgeException e) {
      throw new OpException(step.node().describe() + ": " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      throw new OpException(
          step.node().describe() + ": out of memory while computing (inputs too large?)", e);
    } catch (RuntimeException e) {
      throw new OpException(step.node().describe() + ": internal error: " + e, e);
    }
  }

  /** Runs a subgraph plan on behalf of a control-flow node; outputs are owned by the caller. */
  static Object[] runSubgraph(Plan plan, ExecContext caller, Object[] inputs) {
    Frame outer = ((StepContext) caller).frame;
    int[] inSlots = plan.inputSlots();
    if (inputs.length > inSlots.length) {
      throw caller.error(
          "subgraph takes " + inSlots.length + " inputs, was given " + inputs.length);
    }
    Frame f = outer.state.frame(plan);
    f.reset();
    for (Plan.Capture c : plan.captures()) {
      f.values[c.localSlot()] = outer.values[c.outerSlot()];
    }
    for (int i = 0; i < inputs.length; i++) {
      f.values[inSlots[i]] = inputs[i];
    }
    f.runSteps();
    int[] outSlots = plan.outputSlots();
    Object[] out = new Object[outSlots.length];
    for (int i = 0; i < outSlots.length; i++) {
      out[i] = f.ownedOutput(outSlots[i]);
    }
    return out;
  }

  /** A deep copy of a value whose buffers may be reused (tensors inside sequences too). */
  static Object deepCopy(Object v) {
    if (v instanceof Tensor t) {
      return t.copy();
    }
    if (v instanceof TensorSequence s) {
      List<Tensor> ts = new ArrayList<>(s.size());
      for (Tensor t : s.tensors()) {
        ts.add(t.copy());
      }
      return new TensorSequence(s.elementType(), ts);
    }
    if (v instanceof OptionalValue o && o.isPresent()) {
      return new OptionalValue(deepCopy(o.value()));
    }
    return v;
  }

  /** The {@link ExecContext} handed to kernels; re-pointed at each step. */
  static final class StepContext implements ExecContext {
    final Frame frame;
    final Object[] values;
    Step step;

    StepContext(Frame frame) {
      this.frame = frame;
      this.values = frame.values;
    }

    @Override
    public int inputCount() {
      return step.in().length;
    }

    @Override
    public boolean hasInput(int i) {
      return i >= 0 && i < step.in().length && step.in()[i] >= 0 && values[step.in()[i]] != null;
    }

    @Override
    public Tensor input(int i) {
      if (!hasInput(i)) {
        return null;
      }
      Object v = values[step.in()[i]];
      if (v instanceof Tensor t) {
        return t;
      }
      throw error("input " + i + " ('" + step.node().input(i) + "') is not a tensor: " + v);
    }

    @Override
    public Object inputValue(int i) {
      return hasInput(i) ? values[step.in()[i]] : null;
    }

    @Override
    public int outputCount() {
      return step.out().length;
    }

    @Override
    public boolean hasOutput(int i) {
      return i >= 0 && i < step.out().length && step.out()[i] >= 0;
    }

    @Override
    public Tensor output(int i, DType dtype, int[] shape) {
      if (!hasOutput(i)) {
        return Tensor.allocate(dtype, shape);
      }
      int slot = step.out()[i];
      boolean escapes = frame.plan == null || (frame.plan.freshSlots()[slot] && frame.freshOutputs);
      Tensor t = frame.cache[slot];
      if (escapes || t == null || t.dtype() != dtype || !t.hasShape(shape)) {
        t = Tensor.allocate(dtype, shape);
        if (!escapes) {
          frame.cache[slot] = t;
        }
      }
      values[slot] = t;
      frame.fresh[slot] = escapes;
      return t;
    }

    @Override
    public void setOutput(int i, Object value) {
      if (hasOutput(i)) {
        int slot = step.out()[i];
        values[slot] = value;
        frame.fresh[slot] = false;
      }
    }

    @Override
    public int threads() {
      return frame.state.threads;
    }

    @Override
    public LedgeException error(String message) {
      return new OpException(step.node().describe() + ": " + message);
    }
  }
}
