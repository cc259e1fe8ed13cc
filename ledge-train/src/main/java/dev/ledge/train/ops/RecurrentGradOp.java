package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Backpropagation through time for ONNX LSTM and GRU with their default activations (sigmoid and
 * tanh), any direction, layout 0 or 1, {@code sequence_lens} (ONNX Runtime semantics: a row runs
 * its first len steps; outputs past len are zero), {@code clip}, LSTM peepholes and {@code
 * input_forget}, and GRU {@code linear_before_reset}.
 *
 * <ul>
 *   <li>{@code LSTMGrad(X, W, R, B, sequence_lens, initial_h, initial_c, P, dY, dY_h, dY_c)} → dX,
 *       dW, dR, dB, dinitial_h, dinitial_c, dP;
 *   <li>{@code GRUGrad(X, W, R, B, sequence_lens, initial_h, dY, dY_h)} → dX, dW, dR, dB,
 *       dinitial_h.
 * </ul>
 *
 * Absent gradient inputs count as zeros. The forward pass is recomputed in double (keeping every
 * step's gates), then walked backwards; results are rounded once to the inputs' type.
 */
final class RecurrentGradOp implements Operator {
  private final boolean lstm;

  RecurrentGradOp(boolean lstm) {
    this.lstm = lstm;
  }

  private int gates() {
    return lstm ? 4 : 3;
  }

  /** Index of the first gradient input. */
  private int gradBase() {
    return lstm ? 8 : 6;
  }

  private record Params(
      int dirs,
      boolean bidi,
      boolean reverse,
      int layout,
      long hidden,
      double clip,
      boolean inputForget,
      boolean linearBeforeReset) {}

  @Override
  public Kernel prepare(OpContext ctx) {
    int nIn = gradBase() + (lstm ? 3 : 2);
    if (ctx.inputCount() > nIn) {
      throw ctx.error("has " + ctx.inputCount() + " inputs, expected at most " + nIn);
    }
    DType t = FloatTypes.require(ctx, 0);
    for (int i = 1; i < nIn; i++) {
      if (i != 4 && ctx.hasInput(i)) {
        FloatTypes.same(ctx, 0, i);
      }
    }
    FloatTypes.require(ctx, 1);
    FloatTypes.require(ctx, 2);
    if (ctx.hasInput(4)) {
      ctx.requireInputType(4, DType.INT32);
    }
    String direction = ctx.attrString("direction", "forward");
    if (!List.of("forward", "reverse", "bidirectional").contains(direction)) {
      throw ctx.error(
          "direction is '" + direction + "', expected forward, reverse or bidirectional");
    }
    int dirs = direction.equals("bidirectional") ? 2 : 1;
    List<String> acts = ctx.attrStrings("activations", null);
    if (acts != null) {
      List<String> one = lstm ? List.of("sigmoid", "tanh", "tanh") : List.of("sigmoid", "tanh");
      for (int i = 0; i < acts.size(); i++) {
        if (acts.size() != one.size() * dirs
            || !acts.get(i).equalsIgnoreCase(one.get(i % one.size()))) {
          throw ctx.unsupported("gradients for activations " + acts + " (only the defaults)");
        }
      }
    }
    long layout = ctx.attrInt("layout", 0);
    if (layout != 0 && layout != 1) {
      throw ctx.error("layout is " + layout + ", expected 0 or 1");
    }
    Params p =
        new Params(
            dirs,
            dirs == 2,
            direction.equals("reverse"),
            (int) layout,
            ctx.attrInt("hidden_size", -1),
            ctx.hasAttr("clip") ? ctx.attrFloat("clip", 0f) : Double.POSITIVE_INFINITY,
            ctx.attrInt("input_forget", 0) != 0,
            ctx.attrInt("linear_before_reset", 0) != 0);
    int[] inputsOf = lstm ? new int[] {0, 1, 2, 3, 5, 6, 7} : new int[] {0, 1, 2, 3, 5};
    for (int k = 0; k < inputsOf.length; k++) {
      if (ctx.hasOutput(k)) {
        ctx.setOutput(k, t, ctx.inputShape(inputsOf[k]));
      }
    }
    return exec -> run(exec, p);
  }

  private static double[] doubles(Tensor t) {
    if (t == null) {
      return null;
    }
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.getDouble(i);
    }
    return d;
  }

  private static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  private void run(ExecContext ctx, Params p) {
    Tensor xT = ctx.input(0);
    Tensor wT = ctx.input(1);
    Tensor rT = ctx.input(2);
    int g = gates();
    if (xT.rank() != 3 || wT.rank() != 3 || rT.rank() != 3) {
      throw ctx.error("X, W and R must have rank 3");
    }
    int seq = p.layout == 0 ? xT.dim(0) : xT.dim(1);
    int batch = p.layout == 0 ? xT.dim(1) : xT.dim(0);
    int in = xT.dim(2);
    int hid = rT.dim(2);
    if ((p.hidden >= 0 && p.hidden != hid)
        || wT.dim(0) != p.dirs
        || wT.dim(1) != g * hid
        || wT.dim(2) != in
        || rT.dim(0) != p.dirs
        || rT.dim(1) != g * hid) {
      throw ctx.error(
          "W "
              + Arrays.toString(wT.shape())
              + " and R "
              + Arrays.toString(rT.shape())
              + " do not fit X "
              + Arrays.toString(xT.shape())
              + " with "
              + p.dirs
              + " direction(s) and "
              + g
              + " gates");
    }
    double[] x = doubles(xT);
    double[] w = doubles(wT);
    double[] r = doubles(rT);
    double[] bias = doubles(ctx.input(3));
    double[] h0 = doubles(ctx.input(5));
    double[] c0 = lstm ? doubles(ctx.input(6)) : null;
    double[] peep = lstm ? doubles(ctx.input(7)) : null;
    check(ctx, bias, p.dirs * 2 * g * hid, "B");
    check(ctx, h0, p.dirs * batch * hid, "initial_h");
    check(ctx, c0, p.dirs * batch * hid, "initial_c");
    check(ctx, peep, p.dirs * 3 * hid, "P");
    int[] lens = new int[batch];
    Arrays.fill(lens, seq);
    if (ctx.hasInput(4)) {
      Tensor sl = ctx.input(4);
      if (sl.size() != batch) {
        throw ctx.error("sequence_lens has " + sl.size() + " values, expected " + batch);
      }
      for (int b = 0; b < batch; b++) {
        long v = sl.getLong(b);
        if (v < 0 || v > seq) {
          throw ctx.error("sequence_lens[" + b + "] is " + v + ", expected 0.." + seq);
        }
        lens[b] = (int) v;
      }
    }
    int gb = gradBase();
    double[] dY = doubles(ctx.input(gb));
    double[] dYh = doubles(ctx.input(gb + 1));
    double[] dYc = lstm ? doubles(ctx.input(gb + 2)) : null;
    check(ctx, dY, seq * p.dirs * batch * hid, "dY");
    check(ctx, dYh, p.dirs * batch * hid, "dY_h");
    check(ctx, dYc, p.dirs * batch * hid, "dY_c");

    double[] dx = new double[x.length];
    double[] dw = new double[w.length];
    double[] dr = new double[r.length];
    double[] db = new double[p.dirs * 2 * g * hid];
    double[] dh0 = new double[p.dirs * batch * hid];
    double[] dc0 = new double[p.dirs * batch * hid];
    double[] dp = new double[p.dirs * 3 * hid];
    Dims dm = new Dims(seq, batch, in, hid, p.dirs, p.layout);
    for (int d = 0; d < p.dirs; d++) {
      boolean rev = p.bidi ? d == 1 : p.reverse;
      for (int b = 0; b < batch; b++) {
        if (lstm) {
          lstmRow(
              p, dm, d, b, lens[b], rev, x, w, r, bias, h0, c0, peep, dY, dYh, dYc, dx, dw, dr, db,
              dh0, dc0, dp);
        } else {
          gruRow(p, dm, d, b, lens[b], rev, x, w, r, bias, h0, dY, dYh, dx, dw, dr, db, dh0);
        }
      }
    }
    store(ctx, 0, xT, dx);
    store(ctx, 1, wT, dw);
    store(ctx, 2, rT, dr);
    if (ctx.hasOutput(3)) {
      Tensor out =
          ctx.output(
              3,
              xT.dtype(),
              ctx.hasInput(3) ? ctx.input(3).shape() : new int[] {p.dirs, 2 * g * hid});
      fill(out, db);
    }
    int[] stateShape =
        p.layout == 0 ? new int[] {p.dirs, batch, hid} : new int[] {batch, p.dirs, hid};
    if (ctx.hasOutput(4)) {
      fill(ctx.output(4, xT.dtype(), stateShape), dh0);
    }
    if (lstm && ctx.hasOutput(5)) {
      fill(ctx.output(5, xT.dtype(), stateShape), dc0);
    }
    if (lstm && ctx.hasOutput(6)) {
      fill(ctx.output(6, xT.dtype(), new int[] {p.dirs, 3 * hid}), dp);
    }
  }

  private static void check(ExecContext ctx, double[] v, int size, String what) {
    if (v != null && v.length != size) {
      throw ctx.error(what + " has " + v.length + " elements, expected " + size);
    }
  }

  private static void store(ExecContext ctx, int i, Tensor like, double[] v) {
    if (ctx.hasOutput(i)) {
      fill(ctx.output(i, like.dtype(), like.shape()), v);
    }
  }

  private static void fill(Tensor t, double[] v) {
    for (int i = 0; i < v.length; i++) {
      t.setDouble(i, v[i]);
    }
  }

  /** Sizes and index arithmetic of one run. */
  private record Dims(int seq, int batch, int in, int hid, int dirs, int layout) {
    int x(int t, int b) {
      return (layout == 0 ? t * batch + b : b * seq + t) * in;
    }

    int y(int t, int d, int b) {
      return (layout == 0 ? (t * dirs + d) * batch + b : (b * seq + t) * dirs + d) * hid;
    }

    int state(int d, int b) {
      return (layout == 0 ? d * batch + b : b * dirs + d) * hid;
    }
  }

  private static double clip(double v, double c) {
    return v > c ? c : v < -c ? -c : v;
  }

  private static double clipGrad(double v, double c) {
    return v >= -c && v <= c ? 1 : 0;
  }

  /** One direction of one batch row of an LSTM: forward keeping the gates, then backwards. */
  private static void lstmRow(
      Params p,
      Dims dm,
      int d,
      int b,
      int len,
      boolean rev,
      double[] x,
      double[] w,
      double[] r,
      double[] bias,
      double[] h0,
      double[] c0,
      double[] peep,
      double[] dY,
      double[] dYh,
      double[] dYc,
      double[] dx,
      double[] dw,
      double[] dr,
      double[] db,
      double[] dh0,
      double[] dc0,
      double[] dp) {
    int hid = dm.hid;
    int in = dm.in;
    int g4 = 4 * hid;
    int wOff = d * g4 * in;
    int rOff = d * g4 * hid;
    int bOff = d * 8 * hid;
    int pOff = d * 3 * hid;
    int s0 = dm.state(d, b);
    double[][] pre = new double[len][g4];
    double[][] act = new double[len][g4];
    double[][] cPrev = new double[len][hid];
    double[][] cNew = new double[len][hid];
    double[][] hPrev = new double[len][hid];
    double[] h = new double[hid];
    double[] c = new double[hid];
    for (int j = 0; j < hid; j++) {
      h[j] = h0 == null ? 0 : h0[s0 + j];
      c[j] = c0 == null ? 0 : c0[s0 + j];
    }
    for (int k = 0; k < len; k++) {
      int t = rev ? len - 1 - k : k;
      int xo = dm.x(t, b);
      double[] z = pre[k];
      for (int q = 0; q < g4; q++) {
        double s = 0;
        for (int m = 0; m < in; m++) {
          s += w[wOff + q * in + m] * x[xo + m];
        }
        for (int m = 0; m < hid; m++) {
          s += r[rOff + q * hid + m] * h[m];
        }
        if (bias != null) {
          s += bias[bOff + q] + bias[bOff + g4 + q];
        }
        z[q] = s;
      }
      System.arraycopy(h, 0, hPrev[k], 0, hid);
      System.arraycopy(c, 0, cPrev[k], 0, hid);
      double[] a = act[k];
      for (int j = 0; j < hid; j++) {
        if (peep != null) {
          z[j] += peep[pOff + j] * c[j];
          if (!p.inputForget) {
            z[2 * hid + j] += peep[pOff + 2 * hid + j] * c[j];
          }
        }
        double i = sigmoid(clip(z[j], p.clip));
        double f = p.inputForget ? 1 - i : sigmoid(clip(z[2 * hid + j], p.clip));
        double cc = Math.tanh(clip(z[3 * hid + j], p.clip));
        double cn = c[j] * f + i * cc;
        if (peep != null) {
          z[hid + j] += peep[pOff + hid + j] * cn;
        }
        double o = sigmoid(clip(z[hid + j], p.clip));
        a[j] = i;
        a[hid + j] = o;
        a[2 * hid + j] = f;
        a[3 * hid + j] = cc;
        cNew[k][j] = cn;
        c[j] = cn;
        h[j] = o * Math.tanh(cn);
      }
    }
    double[] dh = new double[hid];
    double[] dc = new double[hid];
    if (len > 0) {
      int so = dm.state(d, b);
      for (int j = 0; j < hid; j++) {
        dh[j] = dYh == null ? 0 : dYh[so + j];
        dc[j] = dYc == null ? 0 : dYc[so + j];
      }
    }
    double[] dz = new double[g4];
    for (int k = len - 1; k >= 0; k--) {
      int t = rev ? len - 1 - k : k;
      if (dY != null) {
        int yo = dm.y(t, d, b);
        for (int j = 0; j < hid; j++) {
          dh[j] += dY[yo + j];
        }
      }
      double[] z = pre[k];
      double[] a = act[k];
      double[] dcPrev = new double[hid];
      for (int j = 0; j < hid; j++) {
        double i = a[j];
        double o = a[hid + j];
        double f = a[2 * hid + j];
        double cc = a[3 * hid + j];
        double tc = Math.tanh(cNew[k][j]);
        double dO = dh[j] * tc;
        double dcj = dc[j] + dh[j] * o * (1 - tc * tc);
        double dOpre = dO * o * (1 - o) * clipGrad(z[hid + j], p.clip);
        if (peep != null) {
          dcj += dOpre * peep[pOff + hid + j];
          dp[pOff + hid + j] += dOpre * cNew[k][j];
        }
        double dI = dcj * cc;
        double dF = dcj * cPrev[k][j];
        double dCC = dcj * i;
        dcPrev[j] = dcj * f;
        if (p.inputForget) {
          dI -= dF;
          dF = 0;
        }
        double dIpre = dI * i * (1 - i) * clipGrad(z[j], p.clip);
        double dFpre = p.inputForget ? 0 : dF * f * (1 - f) * clipGrad(z[2 * hid + j], p.clip);
        double dCpre = dCC * (1 - cc * cc) * clipGrad(z[3 * hid + j], p.clip);
        if (peep != null) {
          dcPrev[j] += dIpre * peep[pOff + j];
          dp[pOff + j] += dIpre * cPrev[k][j];
          if (!p.inputForget) {
            dcPrev[j] += dFpre * peep[pOff + 2 * hid + j];
            dp[pOff + 2 * hid + j] += dFpre * cPrev[k][j];
          }
        }
        dz[j] = dIpre;
        dz[hid + j] = dOpre;
        dz[2 * hid + j] = dFpre;
        dz[3 * hid + j] = dCpre;
      }
      linearBackward(
          dz, g4, x, dm.x(t, b), in, hPrev[k], hid, w, wOff, r, rOff, dx, dw, dr, db, bOff, dh);
      dc = dcPrev;
    }
    if (len > 0) {
      for (int j = 0; j < hid; j++) {
        dh0[s0 + j] += dh[j];
        dc0[s0 + j] += dc[j];
      }
    }
  }

  /**
   * The gate pre-activations are {@code x W^T + h R^T + Wb + Rb}: accumulates their gradient {@code
   * dz} into dx, dW, dR, dB and overwrites {@code dh} with dz · R (the previous state's gradient
   * through this linear part).
   */
  private static void linearBackward(
      double[] dz,
      int rows,
      double[] x,
      int xo,
      int in,
      double[] hPrev,
      int hid,
      double[] w,
      int wOff,
      double[] r,
      int rOff,
      double[] dx,
      double[] dw,
      double[] dr,
      double[] db,
      int bOff,
      double[] dh) {
    Arrays.fill(dh, 0);
    for (int q = 0; q < rows; q++) {
      double gq = dz[q];
      if (gq == 0) {
        continue;
      }
      for (int m = 0; m < in; m++) {
        dx[xo + m] += gq * w[wOff + q * in + m];
        dw[wOff + q * in + m] += gq * x[xo + m];
      }
      for (int m = 0; m < hid; m++) {
        dh[m] += gq * r[rOff + q * hid + m];
        dr[rOff + q * hid + m] += gq * hPrev[m];
      }
      db[bOff + q] += gq;
      db[bOff + rows + q] += gq;
    }
  }

  /** One direction of one batch row of a GRU. */
  private static void gruRow(
      Params p,
      Dims dm,
      int d,
      int b,
      int len,
      boolean rev,
      double[] x,
      double[] w,
      double[] r,
      double[] bias,
      double[] h0,
      double[] dY,
      double[] dYh,
      double[] dx,
      double[] dw,
      double[] dr,
      double[] db,
      double[] dh0) {
    int hid = dm.hid;
    int in = dm.in;
    int g3 = 3 * hid;
    int wOff = d * g3 * in;
    int rOff = d * g3 * hid;
    int bOff = d * 6 * hid;
    int s0 = dm.state(d, b);
    int hh = 2 * hid;
    double[][] zPre = new double[len][g3]; // z, r pre-activations; [2H, 3H) h~ pre-activation
    double[][] gate = new double[len][g3]; // z, r, h~
    double[][] rec = new double[len][hid]; // h Rh^T + Rbh (linear_before_reset) or r*h
    double[][] hPrev = new double[len][hid];
    double[] h = new double[hid];
    for (int j = 0; j < hid; j++) {
      h[j] = h0 == null ? 0 : h0[s0 + j];
    }
    for (int k = 0; k < len; k++) {
      int t = rev ? len - 1 - k : k;
      int xo = dm.x(t, b);
      System.arraycopy(h, 0, hPrev[k], 0, hid);
      double[] z = zPre[k];
      double[] a = gate[k];
      for (int q = 0; q < hh; q++) {
        double s = 0;
        for (int m = 0; m < in; m++) {
          s += w[wOff + q * in + m] * x[xo + m];
        }
        for (int m = 0; m < hid; m++) {
          s += r[rOff + q * hid + m] * h[m];
        }
        if (bias != null) {
          s += bias[bOff + q] + bias[bOff + g3 + q];
        }
        z[q] = s;
        a[q] = sigmoid(clip(s, p.clip));
      }
      for (int j = 0; j < hid; j++) {
        double xs = 0;
        for (int m = 0; m < in; m++) {
          xs += w[wOff + (hh + j) * in + m] * x[xo + m];
        }
        double s;
        if (p.linearBeforeReset) {
          double rc = 0;
          for (int m = 0; m < hid; m++) {
            rc += r[rOff + (hh + j) * hid + m] * h[m];
          }
          if (bias != null) {
            rc += bias[bOff + g3 + hh + j];
          }
          rec[k][j] = rc;
          s = xs + a[hid + j] * rc + (bias == null ? 0 : bias[bOff + hh + j]);
        } else {
          double rc = 0;
          for (int m = 0; m < hid; m++) {
            rc += r[rOff + (hh + j) * hid + m] * a[hid + m] * h[m];
          }
          s = xs + rc + (bias == null ? 0 : bias[bOff + g3 + hh + j] + bias[bOff + hh + j]);
        }
        z[hh + j] = s;
        a[hh + j] = Math.tanh(clip(s, p.clip));
      }
      double[] hn = new double[hid];
      for (int j = 0; j < hid; j++) {
        hn[j] = (1 - a[j]) * a[hh + j] + a[j] * h[j];
      }
      h = hn;
    }
    double[] dh = new double[hid];
    if (len > 0 && dYh != null) {
      int so = dm.state(d, b);
      for (int j = 0; j < hid; j++) {
        dh[j] = dYh[so + j];
      }
    }
    double[] dz = new double[g3];
    for (int k = len - 1; k >= 0; k--) {
      int t = rev ? len - 1 - k : k;
      int xo = dm.x(t, b);
      if (dY != null) {
        int yo = dm.y(t, d, b);
        for (int j = 0; j < hid; j++) {
          dh[j] += dY[yo + j];
        }
      }
      double[] z = zPre[k];
      double[] a = gate[k];
      double[] hp = hPrev[k];
      double[] dhPrev = new double[hid];
      double[] dHt = new double[hid];
      double[] dR = new double[hid];
      for (int j = 0; j < hid; j++) {
        double zz = a[j];
        double ht = a[hh + j];
        dz[j] = dh[j] * (hp[j] - ht) * zz * (1 - zz) * clipGrad(z[j], p.clip);
        dhPrev[j] = dh[j] * zz;
        dHt[j] = dh[j] * (1 - zz) * (1 - ht * ht) * clipGrad(z[hh + j], p.clip);
      }
      // h~ = tanh(x Wh^T + ...): input part and its bias.
      for (int j = 0; j < hid; j++) {
        double gq = dHt[j];
        for (int m = 0; m < in; m++) {
          dx[xo + m] += gq * w[wOff + (hh + j) * in + m];
          dw[wOff + (hh + j) * in + m] += gq * x[xo + m];
        }
        db[bOff + hh + j] += gq;
      }
      if (p.linearBeforeReset) {
        // pre = ... + r * (h Rh^T + Rbh)
        for (int j = 0; j < hid; j++) {
          dR[j] = dHt[j] * rec[k][j];
          double drec = dHt[j] * a[hid + j];
          db[bOff + g3 + hh + j] += drec;
          for (int m = 0; m < hid; m++) {
            dr[rOff + (hh + j) * hid + m] += drec * hp[m];
            dhPrev[m] += drec * r[rOff + (hh + j) * hid + m];
          }
        }
      } else {
        // pre = ... + (r * h) Rh^T + Rbh
        for (int j = 0; j < hid; j++) {
          double gq = dHt[j];
          db[bOff + g3 + hh + j] += gq;
          for (int m = 0; m < hid; m++) {
            double rh = a[hid + m] * hp[m];
            dr[rOff + (hh + j) * hid + m] += gq * rh;
            double drh = gq * r[rOff + (hh + j) * hid + m];
            dR[m] += drh * hp[m];
            dhPrev[m] += drh * a[hid + m];
          }
        }
      }
      for (int j = 0; j < hid; j++) {
        double rr = a[hid + j];
        dz[hid + j] = dR[j] * rr * (1 - rr) * clipGrad(z[hid + j], p.clip);
      }
      // z and r gates: x W_zr^T + h R_zr^T + biases.
      for (int q = 0; q < hh; q++) {
        double gq = dz[q];
        for (int m = 0; m < in; m++) {
          dx[xo + m] += gq * w[wOff + q * in + m];
          dw[wOff + q * in + m] += gq * x[xo + m];
        }
        for (int m = 0; m < hid; m++) {
          dhPrev[m] += gq * r[rOff + q * hid + m];
          dr[rOff + q * hid + m] += gq * hp[m];
        }
        db[bOff + q] += gq;
        db[bOff + g3 + q] += gq;
      }
      dh = dhPrev;
    }
    if (len > 0) {
      for (int j = 0; j < hid; j++) {
        dh0[s0 + j] += dh[j];
      }
    }
  }
}
