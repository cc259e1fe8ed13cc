package dev.ledge.runtime;

import dev.ledge.LedgeException;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.OptionalValue;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs plans. Each plan gets a {@link Frame} per session: its value slots, a reusable {@link
 * StepContext}, and a {@link BufferArena} of storage arrays. Buffers are planned by lifetime: the
 * {@link Plan} knows the last step that reads each value, and once that step is done the value's
 * buffer returns to the arena, where a later output of the same storage type takes it (the smallest
 * free one that fits). Elementwise kernels that allow it write into their input's buffer when they
 * are its last reader. Each slot also keeps its {@code Tensor} object, so once shapes are steady a
 * run allocates no tensors at all.
 *
 * <p>Values that leave a graph (its outputs) are always owned by the receiver: freshly allocated,
 * or copied if they live in a reused buffer; only {@link Session#run(Map, Map)} (which copies into
 * the caller's tensors) and If branches (whose outputs the If passes on at once) let outputs live
 * in the arena.
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

    /** False: every value keeps its own buffer until the run ends, and nothing runs in place. */
    boolean shareBuffers = true;

    /**
     * Fill every buffer handed to a kernel with garbage first (tests: kernels write everything).
     */
    boolean poisonBuffers;

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

    /** Buffer bytes of every frame's arena, and bytes of the intermediates of their last runs. */
    MemoryStats memory() {
      long arena = 0;
      long unshared = 0;
      int buffers = 0;
      for (Frame f : frames.values()) {
        arena += f.arena.bytes();
        buffers += f.arena.size();
        unshared += f.intermediateBytes;
      }
      return new MemoryStats(arena, unshared, buffers);
    }
  }

  /** Value slots and buffers of one plan in one session. */
  static final class Frame {
    final Plan plan;
    final RunState state;
    final Object[] values;

    /**
     * Per slot, the tensor object over its buffer, reused while dtype, shape and buffer stay the
     * same. Indices from {@code plan.slotCount()} on are the outputs of steps that nobody consumes
     * (see {@link #unusedBase}).
     */
    final Tensor[] cache;

    /** Per slot (as {@link #cache}), the arena buffer its current value lives in, or -1. */
    final int[] slotBuffer;

    /** Per slot (as {@link #cache}), the buffer it had last time: asked for first. */
    final int[] lastBuffer;

    /** Per step, the first {@link #cache} index of its outputs that nobody consumes. */
    final int[] unusedBase;

    /** True for slots whose current value was allocated fresh in this run (safe to hand out). */
    final boolean[] fresh;

    final BufferArena arena;
    final StepContext ctx;

    /** Outputs of a borrowed run ({@link Executor#runSubgraph}), reused. */
    final Object[] results;

    /** Per step, what its kernel keeps between runs ({@link ExecContext#kernelState}). */
    final Object[] kernelStates;

    /** Bytes of the buffers requested in the current (or last) run: the memory without sharing. */
    long intermediateBytes;

    /** Op labels for profiles, built on first use. */
    private String[] labels;

    /** When true, graph-output slots get fresh buffers (they are handed to the caller). */
    boolean freshOutputs = true;

    boolean active;

    Frame(Plan plan, RunState state) {
      this.plan = plan;
      this.state = state;
      this.values = new Object[plan.slotCount()];
      Step[] steps = plan.steps();
      this.unusedBase = new int[steps.length];
      int n = plan.slotCount();
      for (int j = 0; j < steps.length; j++) {
        unusedBase[j] = n;
        n += steps[j].out().length;
      }
      this.cache = new Tensor[n];
      this.slotBuffer = new int[n];
      this.lastBuffer = new int[n];
      Arrays.fill(slotBuffer, -1);
      Arrays.fill(lastBuffer, -1);
      this.fresh = new boolean[plan.slotCount()];
      this.arena = new BufferArena();
      this.results = new Object[plan.outputSlots().length];
      this.kernelStates = new Object[steps.length];
      this.ctx = new StepContext(this);
    }

    /** A frame over given values with no plan: every output is allocated fresh (folding). */
    Frame(Object[] values) {
      this.plan = null;
      this.state = new RunState();
      this.values = values;
      this.cache = null;
      this.slotBuffer = null;
      this.lastBuffer = null;
      this.unusedBase = null;
      this.fresh = new boolean[values.length];
      this.arena = null;
      this.results = null;
      this.kernelStates = null;
      this.ctx = new StepContext(this);
    }

    /** Resets values to the plan's constants and frees every buffer before a run. */
    void reset() {
      System.arraycopy(plan.constants(), 0, values, 0, values.length);
      Arrays.fill(fresh, false);
      arena.releaseAll();
      Arrays.fill(slotBuffer, -1);
      intermediateBytes = 0;
    }

    /** Runs every step, returning buffers to the arena as values die. */
    void runSteps() {
      active = true;
      Profile profile = state.profile;
      Step[] steps = plan.steps();
      try {
        for (int j = 0; j < steps.length; j++) {
          Step step = steps[j];
          ctx.step = step;
          ctx.stepIndex = j;
          if (profile == null) {
            execute(step, ctx);
          } else {
            long b0 = profile.allocated();
            long t0 = profile.now();
            execute(step, ctx);
            long t1 = profile.now();
            profile.add(label(j), t1 - t0, profile.allocated() - b0);
          }
          endStep(j);
        }
      } finally {
        active = false;
      }
    }

    private String label(int j) {
      if (labels == null) {
        labels = new String[plan.steps().length];
        for (int i = 0; i < labels.length; i++) {
          labels[i] = plan.steps()[i].label();
        }
      }
      return labels[j];
    }

    /** Frees the buffers of step j's unconsumed outputs and of the values it read last. */
    private void endStep(int j) {
      int[] out = plan.steps()[j].out();
      for (int i = 0; i < out.length; i++) {
        if (out[i] < 0) {
          drop(unusedBase[j] + i);
        }
      }
      if (state.shareBuffers) {
        for (int s : plan.releases()[j]) {
          drop(s);
        }
      }
    }

    /** The slot no longer refers to its buffer. */
    void drop(int slot) {
      int b = slotBuffer[slot];
      if (b >= 0) {
        arena.release(b);
        slotBuffer[slot] = -1;
      }
    }

    /**
     * A tensor of the given type and shape for {@link #cache} index {@code key}, in a free arena
     * buffer (the one it had last time if possible). Allocates only when no free buffer is large
     * enough, or when the dtype, shape or buffer differ from last time (a new tensor object).
     */
    Tensor acquire(int key, DType dtype, int[] shape, Tensor like) {
      int n = like != null ? like.size() : Shapes.size(shape);
      intermediateBytes += dtype.bytesFor(n);
      Tensor prev = cache[key];
      if (n == 0) {
        if (prev == null || prev.dtype() != dtype || !sameShape(prev, shape, like)) {
          prev = Tensor.allocate(dtype, like != null ? like.shape() : shape);
          cache[key] = prev;
        }
        return prev;
      }
      DType.Storage storage = dtype.storage();
      long slots = dtype.slotsFor(n);
      int b = arena.acquire(storage, slots, lastBuffer[key]);
      Tensor t;
      if (b < 0) {
        t = Tensor.allocate(dtype, like != null ? like.shape() : shape);
        b = arena.put(storage, t.array(), (int) slots);
      } else if (prev != null
          && prev.dtype() == dtype
          && prev.array() == arena.array(b)
          && sameShape(prev, shape, like)) {
        t = prev;
      } else {
        t = Tensor.wrap(dtype, arena.array(b), 0, like != null ? like.shape() : shape);
      }
      if (state.poisonBuffers) {
        poison(arena.array(b));
      }
      cache[key] = t;
      slotBuffer[key] = b;
      lastBuffer[key] = b;
      return t;
    }

    /**
     * The tensor of an input of step j that output {@code i} may overwrite, or null: the kernel
     * allows it, this step reads the input last and at one input position only, the input's buffer
     * is the arena's and nothing else refers to it, and dtype and shape match.
     */
    Tensor inPlace(Step step, int j, int i, int slot, DType dtype, int[] shape, Tensor like) {
      long mask = step.inPlace() == null || !state.shareBuffers ? 0 : step.inPlace()[i];
      while (mask != 0) {
        int k = Long.numberOfTrailingZeros(mask);
        mask &= mask - 1;
        int s = step.in()[k];
        if (s < 0 || plan.lastUse()[s] != j || readTwice(step.in(), s)) {
          continue;
        }
        int b = slotBuffer[s];
        if (b < 0
            || arena.refs(b) != 1
            || !(values[s] instanceof Tensor t)
            || t.dtype() != dtype
            || !sameShape(t, shape, like)) {
          continue;
        }
        arena.retain(b);
        slotBuffer[slot] = b;
        intermediateBytes += dtype.bytesFor(t.size());
        return t;
      }
      return null;
    }

    /** True if {@code t} has dims {@code shape}, or those of {@code like} when given. */
    private static boolean sameShape(Tensor t, int[] shape, Tensor like) {
      return like != null ? t.sameShape(like) : t.hasShape(shape);
    }

    private static boolean readTwice(int[] in, int slot) {
      int n = 0;
      for (int s : in) {
        if (s == slot) {
          n++;
        }
      }
      return n > 1;
    }

    /** Records which arena buffers a value a kernel set directly (a view, a sequence) refers to. */
    void track(int slot, Object value) {
      if (value instanceof Tensor t) {
        if (t.isArrayBacked()) {
          int b = arena.find(t.array());
          if (b >= 0) {
            arena.retain(b);
            slotBuffer[slot] = b;
          }
        }
      } else if (value instanceof TensorSequence seq) {
        for (int i = 0; i < seq.size(); i++) {
          pin(seq.get(i));
        }
      } else if (value instanceof OptionalValue o && o.isPresent()) {
        if (o.value() instanceof Tensor t) {
          pin(t);
        } else {
          track(slot, o.value());
        }
      }
    }

    /** Keeps the buffer of a tensor held inside a sequence or optional until the run ends. */
    private void pin(Tensor t) {
      if (t.isArrayBacked()) {
        int b = arena.find(t.array());
        if (b >= 0) {
          arena.retain(b);
        }
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

  /** Overwrites a buffer with values no correct kernel would leave in place. */
  static void poison(Object array) {
    switch (array) {
      case float[] a -> Arrays.fill(a, Float.NaN);
      case double[] a -> Arrays.fill(a, Double.NaN);
      case byte[] a -> Arrays.fill(a, (byte) 0x5A);
      case short[] a -> Arrays.fill(a, (short) 0x7E5A);
      case int[] a -> Arrays.fill(a, 0x5A5A5A5A);
      case long[] a -> Arrays.fill(a, 0x5A5A5A5A5A5A5A5AL);
      case String[] a -> Arrays.fill(a, "\u0000poison");
      default -> {}
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

  /**
   * Runs a subgraph plan on behalf of a control-flow node. Outputs are owned by the caller, or with
   * {@code borrow} left in the subgraph's frame (valid until the subgraph runs again).
   */
  static Object[] runSubgraph(Plan plan, ExecContext caller, Object[] inputs, boolean borrow) {
    Frame outer = ((StepContext) caller).frame;
    int[] inSlots = plan.inputSlots();
    if (inputs.length > inSlots.length) {
      throw caller.error(
          "subgraph takes " + inSlots.length + " inputs, was given " + inputs.length);
    }
    Frame f = outer.state.frame(plan);
    f.reset();
    f.freshOutputs = !borrow;
    List<Plan.Capture> captures = plan.captures();
    for (int i = 0; i < captures.size(); i++) {
      Plan.Capture c = captures.get(i);
      f.values[c.localSlot()] = outer.values[c.outerSlot()];
    }
    for (int i = 0; i < inputs.length; i++) {
      f.values[inSlots[i]] = inputs[i];
    }
    f.runSteps();
    int[] outSlots = plan.outputSlots();
    Object[] out = borrow ? f.results : new Object[outSlots.length];
    for (int i = 0; i < outSlots.length; i++) {
      out[i] = borrow ? f.values[outSlots[i]] : f.ownedOutput(outSlots[i]);
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

    /** Index of {@link #step} in its plan. */
    int stepIndex;

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
      return output(i, dtype, shape, null);
    }

    @Override
    public Tensor outputLike(int i, DType dtype, Tensor like) {
      return output(i, dtype, null, like);
    }

    /** An output of the given dims, or of those of {@code like} when {@code shape} is null. */
    private Tensor output(int i, DType dtype, int[] shape, Tensor like) {
      if (frame.plan == null) {
        // Folding: everything becomes a constant of the plan.
        Tensor t = Tensor.allocate(dtype, like != null ? like.shape() : shape);
        if (hasOutput(i)) {
          values[step.out()[i]] = t;
          frame.fresh[step.out()[i]] = true;
        }
        return t;
      }
      if (!hasOutput(i)) {
        // Nobody reads it: a scratch buffer, free again after this step.
        int key = frame.unusedBase[stepIndex] + i;
        frame.drop(key);
        return frame.acquire(key, dtype, shape, like);
      }
      int slot = step.out()[i];
      frame.drop(slot); // a kernel asking twice gets a new buffer; the old one is free
      if (frame.plan.freshSlots()[slot] && frame.freshOutputs) {
        Tensor t = Tensor.allocate(dtype, like != null ? like.shape() : shape);
        if (frame.state.poisonBuffers) {
          poison(t.array());
        }
        values[slot] = t;
        frame.fresh[slot] = true;
        return t;
      }
      frame.fresh[slot] = false;
      Tensor t = frame.inPlace(step, stepIndex, i, slot, dtype, shape, like);
      if (t == null) {
        t = frame.acquire(slot, dtype, shape, like);
      }
      values[slot] = t;
      return t;
    }

    @Override
    public void setOutput(int i, Object value) {
      if (hasOutput(i)) {
        int slot = step.out()[i];
        values[slot] = value;
        frame.fresh[slot] = false;
        if (frame.plan != null) {
          frame.drop(slot);
          frame.track(slot, value);
        }
      }
    }

    @Override
    public Object kernelState() {
      return frame.kernelStates == null ? null : frame.kernelStates[stepIndex];
    }

    @Override
    public void setKernelState(Object state) {
      if (frame.kernelStates != null) {
        frame.kernelStates[stepIndex] = state;
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
