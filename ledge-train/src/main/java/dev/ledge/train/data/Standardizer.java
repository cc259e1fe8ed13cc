package dev.ledge.train.data;

import java.util.List;

/**
 * Per-feature standardization {@code (x - mean) / std}, fitted on one data set (the training part)
 * and applied to others, so that test statistics never leak into training.
 */
public final class Standardizer {
  private final float[] mean;
  private final float[] invStd;

  private Standardizer(float[] mean, float[] invStd) {
    this.mean = mean;
    this.invStd = invStd;
  }

  /** Mean and population standard deviation of every feature of {@code d} (in double). */
  public static Standardizer fit(Dataset d) {
    int s = d.sampleSize();
    double[] sum = new double[s];
    double[] sq = new double[s];
    float[] buf = new float[s];
    for (int i = 0; i < d.size(); i++) {
      d.copySample(i, buf, 0);
      for (int k = 0; k < s; k++) {
        sum[k] += buf[k];
        sq[k] += (double) buf[k] * buf[k];
      }
    }
    float[] mean = new float[s];
    float[] inv = new float[s];
    int n = Math.max(1, d.size());
    for (int k = 0; k < s; k++) {
      double m = sum[k] / n;
      double var = Math.max(0, sq[k] / n - m * m);
      mean[k] = (float) m;
      inv[k] = var > 1e-12 ? (float) (1 / Math.sqrt(var)) : 1f;
    }
    return new Standardizer(mean, inv);
  }

  /** A standardized, materialized copy of {@code d}. */
  public ArrayDataset apply(Dataset d) {
    int s = d.sampleSize();
    if (s != mean.length) {
      throw new IllegalArgumentException(
          "standardizer fitted on " + mean.length + " features, data has " + s);
    }
    float[] x = new float[Math.multiplyExact(s, d.size())];
    int[] y = new int[d.size()];
    for (int i = 0; i < d.size(); i++) {
      d.copySample(i, x, i * s);
      for (int k = 0; k < s; k++) {
        x[i * s + k] = (x[i * s + k] - mean[k]) * invStd[k];
      }
      y[i] = d.label(i);
    }
    return new ArrayDataset(x, y, d.sampleShape(), List.copyOf(d.classNames()));
  }
}
