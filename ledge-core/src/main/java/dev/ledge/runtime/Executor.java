package dev.ledge.runtime;

import dev.ledge.LedgeException;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/** Runs plans: fills a frame of value slots and executes the steps in order. */
final class Executor {
  private Executor() {}

  /** Runs every step of {@code plan} over {@code values} (constants and inputs already set). */
  static void run(Plan plan, Object[] values) {
    StepContext ctx = new StepContext(values);
    for (Step step : plan.steps()) {
      ctx.step = step;
      execute(step, ctx);
    }
  }

  /** Runs one step (used for constant folding at plan time). */
  static void runStep(Step step, Object[] values, Object unused) {
    StepContext ctx = new StepContext(values);
    ctx.step = step;
    execute(step, ctx);
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

  /** Runs a subgraph plan on behalf of a control-flow node. */
  static Object[] runSubgraph(Plan plan, ExecContext caller, Object[] inputs) {
    Object[] outer = ((StepContext) caller).values;
    Object[] values = plan.constants().clone();
    for (Plan.Capture c : plan.captures()) {
      values[c.localSlot()] = outer[c.outerSlot()];
    }
    int[] inSlots = plan.inputSlots();
    if (inputs.length > inSlots.length) {
      throw caller.error(
          "subgraph takes " + inSlots.length + " inputs, was given " + inputs.length);
    }
    for (int i = 0; i < inputs.length; i++) {
      values[inSlots[i]] = inputs[i];
    }
    run(plan, values);
    int[] outSlots = plan.outputSlots();
    Object[] out = new Object[outSlots.length];
    for (int i = 0; i < outSlots.length; i++) {
      out[i] = values[outSlots[i]];
    }
    return out;
  }

  /** The {@link ExecContext} handed to kernels; re-pointed at each step. */
  static final class StepContext implements ExecContext {
    final Object[] values;
    Step step;

    StepContext(Object[] values) {
      this.values = values;
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
      Tensor t = Tensor.allocate(dtype, shape);
      if (hasOutput(i)) {
        values[step.out()[i]] = t;
      }
      return t;
    }

    @Override
    public void setOutput(int i, Object value) {
      if (hasOutput(i)) {
        values[step.out()[i]] = value;
      }
    }

    @Override
    public LedgeException error(String message) {
      return new OpException(step.node().describe() + ": " + message);
    }
  }
}
