package dev.ledge.ops.nn;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * NegativeLogLikelihoodLoss (opsets 12, 13, 22): the loss of log-probabilities against class
 * targets, with optional class weights, ignore_index and reduction; see {@link NllLoss}.
 */
final class NegativeLogLikelihoodLossOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    DType t = FloatIo.requireFloat(ctx, 0);
    NllLoss.Params p = NllLoss.prepare(ctx, t);
    ctx.setOutput(0, t, NllLoss.lossShape(ctx, p));
    return exec -> {
      Tensor x = exec.input(0);
      if (x.rank() < 2) {
        throw exec.error("input has rank " + x.rank() + ", expected at least 2 (N, C, ...)");
      }
      NllLoss.compute(exec, p, FloatIo.toDoubles(x), x.shape(), x.dtype());
    };
  }
}
