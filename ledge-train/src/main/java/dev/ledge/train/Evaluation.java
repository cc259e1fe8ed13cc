package dev.ledge.train;

import dev.ledge.LedgeException;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.data.Batch;
import dev.ledge.train.data.DataLoader;
import dev.ledge.train.data.Dataset;
import java.util.List;
import java.util.Map;

/**
 * Classification results of a model on a data set: accuracy, per-class precision and recall, and
 * the confusion matrix ({@code confusion[true][predicted]}).
 *
 * @param classNames class names by label
 * @param confusion counts by true class, then predicted class
 */
public record Evaluation(List<String> classNames, long[][] confusion) {
  /** Runs {@code session} over {@code data} in batches and counts. */
  public static Evaluation of(
      Session session, String input, String output, Dataset data, int batchSize) {
    int c = data.numClasses();
    long[][] m = new long[c][c];
    for (Batch b : DataLoader.builder(data).batchSize(batchSize).build().epoch(0)) {
      Tensor scores = session.run(Map.of(input, b.features())).get(output);
      if (scores == null) {
        throw new LedgeException("the model has no output '" + output + "'");
      }
      int cols = scores.size() / Math.max(1, b.size());
      if (cols != c && !(cols == 1 && c == 2)) {
        throw new LedgeException(
            "the model outputs " + cols + " scores per sample; the data has " + c + " classes");
      }
      for (int i = 0; i < b.size(); i++) {
        int pred = cols == 1 ? (scores.getDouble(i) > 0 ? 1 : 0) : Metrics.argmax(scores, i);
        m[(int) b.labels().getLong(i)][pred]++;
      }
    }
    return new Evaluation(List.copyOf(data.classNames()), m);
  }

  public long total() {
    long n = 0;
    for (long[] row : confusion) {
      for (long v : row) {
        n += v;
      }
    }
    return n;
  }

  public double accuracy() {
    long ok = 0;
    for (int i = 0; i < confusion.length; i++) {
      ok += confusion[i][i];
    }
    long n = total();
    return n == 0 ? Double.NaN : ok / (double) n;
  }

  /** Of the samples predicted as {@code c}, the fraction that are {@code c} (NaN if none). */
  public double precision(int c) {
    long col = 0;
    for (long[] row : confusion) {
      col += row[c];
    }
    return col == 0 ? Double.NaN : confusion[c][c] / (double) col;
  }

  /** Of the samples of class {@code c}, the fraction predicted as {@code c} (NaN if none). */
  public double recall(int c) {
    long row = support(c);
    return row == 0 ? Double.NaN : confusion[c][c] / (double) row;
  }

  /** Samples of class {@code c}. */
  public long support(int c) {
    long s = 0;
    for (long v : confusion[c]) {
      s += v;
    }
    return s;
  }

  /** {@code {"accuracy", "per_class", "confusion"}} as JSON (NaN written as null). */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\n  \"accuracy\": ").append(num(accuracy()));
    sb.append(",\n  \"per_class\": [");
    for (int c = 0; c < confusion.length; c++) {
      sb.append(c == 0 ? "\n" : ",\n")
          .append("    {\"class\": ")
          .append(quote(classNames.get(c)))
          .append(", \"precision\": ")
          .append(num(precision(c)))
          .append(", \"recall\": ")
          .append(num(recall(c)))
          .append(", \"support\": ")
          .append(support(c))
          .append('}');
    }
    sb.append("\n  ],\n  \"confusion\": [");
    for (int i = 0; i < confusion.length; i++) {
      sb.append(i == 0 ? "\n    " : ",\n    ").append(java.util.Arrays.toString(confusion[i]));
    }
    return sb.append("\n  ]\n}\n").toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (ch < 0x20) {
            sb.append(String.format("\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
