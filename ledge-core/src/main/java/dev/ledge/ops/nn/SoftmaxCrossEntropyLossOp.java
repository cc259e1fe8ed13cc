package dev.ledge.ops.nn;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * SoftmaxCrossEntropyLoss (opsets 12, 13): the log-softmax of the scores over dim 1 (the classes),
 * then the negative log-likelihood loss of {@link NllLoss}; the optional second output is the
 * log-probabilities.
 */
final class SoftmaxCrossEntropyLossOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    DType t = FloatIo.requireFloat(ctx, 0);
    NllLoss.Params p = NllLoss.prepare(ctx, t);
    ctx.setOutput(0, t, NllLoss.lossShape(ctx, p));
    if (ctx.outputCount() > 1) {
      ctx.setOutput(1, t, ctx.inputShape(0));
    }
    return exec -> {
      Tensor x = exec.input(0);
      if (x.rank() < 2) {
        throw exec.error("scores have rank " + x.rank() + ", expected at least 2 (N, C, ...)");
      }
      int n = x.dim(0);
      int c = x.dim(1);
      double[] logp = FloatIo.toDoubles(x);
      int d = n == 0 || c == 0 ? 0 : logp.length / (n * c);
      double[] v = new double[c];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          int base = i * c * d + j;
          for (int k = 0; k < c; k++) {
            v[k] = logp[base + k * d];
          }
          SoftmaxOp.apply(SoftmaxOp.Kind.LOG_SOFTMAX, v, c);
          for (int k = 0; k < c; k++) {
            logp[base + k * d] = v[k];
          }
        }
      }
      NllLoss.compute(exec, p, logp, x.shape(), x.dtype());
      if (exec.outputCount() > 1 && exec.hasOutput(1)) {
        FloatIo.store(logp, exec.outputLike(1, x.dtype(), x));
      }
    };
  }
}
