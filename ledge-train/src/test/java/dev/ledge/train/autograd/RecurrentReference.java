package dev.ledge.train.autograd;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain double-precision LSTM/GRU forward pass written from the ONNX operator definitions (gate
 * orders iofc and zrh; sequence_lens as ONNX Runtime: rows run their first len steps, outputs past
 * len are zero, the final state of an empty row is zero), for finite differences.
 */
final class RecurrentReference {
  private RecurrentReference() {}

  static Map<String, double[]> run(RecurrentGradTest.Config c, Map<String, double[]> v) {
    int d = c.dirs();
    int g = c.gates();
    int hid = c.hid();
    int in = c.in();
    int batch = c.batch();
    int seq = c.seq();
    double[] x = v.get("X");
    double[] w = v.get("W");
    double[] r = v.get("R");
    double[] b = v.get("B");
    double[] h0 = v.get("H0");
    double[] c0 = v.get("C0");
    double[] p = v.get("P");
    double clip = c.clip() == null ? Double.POSITIVE_INFINITY : c.clip();
    double[] y = new double[seq * d * batch * hid];
    double[] yh = new double[d * batch * hid];
    double[] yc = new double[d * batch * hid];
    for (int dir = 0; dir < d; dir++) {
      boolean rev = d == 2 ? dir == 1 : c.direction().equals("reverse");
      for (int bb = 0; bb < batch; bb++) {
        int len = c.lens() == null ? seq : c.lens()[bb];
        int so = c.layout() == 0 ? (dir * batch + bb) * hid : (bb * d + dir) * hid;
        double[] h = new double[hid];
        double[] cs = new double[hid];
        for (int j = 0; j < hid; j++) {
          h[j] = h0 == null ? 0 : h0[so + j];
          cs[j] = c0 == null ? 0 : c0[so + j];
        }
        for (int k = 0; k < len; k++) {
          int t = rev ? len - 1 - k : k;
          int xo = (c.layout() == 0 ? t * batch + bb : bb * seq + t) * in;
          double[] xw = new double[g * hid];
          double[] hr = new double[g * hid];
          for (int q = 0; q < g * hid; q++) {
            for (int m = 0; m < in; m++) {
              xw[q] += w[(dir * g * hid + q) * in + m] * x[xo + m];
            }
            for (int m = 0; m < hid; m++) {
              hr[q] += r[(dir * g * hid + q) * hid + m] * h[m];
            }
          }
          int bo = dir * 2 * g * hid;
          double[] hn = new double[hid];
          for (int j = 0; j < hid; j++) {
            if (c.lstm()) {
              double bi = b == null ? 0 : b[bo + j] + b[bo + 4 * hid + j];
              double bof = b == null ? 0 : b[bo + hid + j] + b[bo + 5 * hid + j];
              double bf = b == null ? 0 : b[bo + 2 * hid + j] + b[bo + 6 * hid + j];
              double bc = b == null ? 0 : b[bo + 3 * hid + j] + b[bo + 7 * hid + j];
              int po = dir * 3 * hid;
              double i = sig(cl(xw[j] + hr[j] + bi + (p == null ? 0 : p[po + j] * cs[j]), clip));
              double f =
                  c.inputForget()
                      ? 1 - i
                      : sig(
                          cl(
                              xw[2 * hid + j]
                                  + hr[2 * hid + j]
                                  + bf
                                  + (p == null ? 0 : p[po + 2 * hid + j] * cs[j]),
                              clip));
              double cc = Math.tanh(cl(xw[3 * hid + j] + hr[3 * hid + j] + bc, clip));
              double cn = f * cs[j] + i * cc;
              double o =
                  sig(
                      cl(
                          xw[hid + j] + hr[hid + j] + bof + (p == null ? 0 : p[po + hid + j] * cn),
                          clip));
              cs[j] = cn;
              hn[j] = o * Math.tanh(cn);
            } else {
              double bz = b == null ? 0 : b[bo + j] + b[bo + 3 * hid + j];
              double br = b == null ? 0 : b[bo + hid + j] + b[bo + 4 * hid + j];
              double z = sig(cl(xw[j] + hr[j] + bz, clip));
              double rr = sig(cl(xw[hid + j] + hr[hid + j] + br, clip));
              double wbh = b == null ? 0 : b[bo + 2 * hid + j];
              double rbh = b == null ? 0 : b[bo + 5 * hid + j];
              double pre;
              if (c.linearBeforeReset()) {
                pre = xw[2 * hid + j] + rr * (hr[2 * hid + j] + rbh) + wbh;
              } else {
                double s = 0;
                for (int m = 0; m < hid; m++) {
                  double rm =
                      sig(
                          cl(
                              xw[hid + m]
                                  + hr[hid + m]
                                  + (b == null ? 0 : b[bo + hid + m] + b[bo + 4 * hid + m]),
                              clip));
                  s += r[(dir * g * hid + 2 * hid + j) * hid + m] * rm * h[m];
                }
                pre = xw[2 * hid + j] + s + rbh + wbh;
              }
              double ht = Math.tanh(cl(pre, clip));
              hn[j] = (1 - z) * ht + z * h[j];
            }
          }
          h = hn;
          int yo = (c.layout() == 0 ? (t * d + dir) * batch + bb : (bb * seq + t) * d + dir) * hid;
          System.arraycopy(h, 0, y, yo, hid);
        }
        if (len > 0) {
          System.arraycopy(h, 0, yh, so, hid);
          System.arraycopy(cs, 0, yc, so, hid);
        }
      }
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    out.put("Y", y);
    out.put("Yh", yh);
    if (c.lstm()) {
      out.put("Yc", yc);
    }
    return out;
  }

  private static double sig(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double cl(double x, double c) {
    return Math.max(-c, Math.min(c, x));
  }
}
