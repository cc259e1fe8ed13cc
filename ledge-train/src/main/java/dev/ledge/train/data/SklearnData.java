package dev.ledge.train.data;

import dev.ledge.data.DataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * scikit-learn's bundled CSV data sets from the {@code sklearn-datasets} pinned package ({@code
 * ledge fetch sklearn-datasets}, Debian's {@code python3-sklearn}): digits 8x8, iris and wine.
 * Values are as stored, except digits, whose 0..16 intensities are divided by 16 (to [0, 1], like
 * MNIST). Iris and wine features have very different scales; standardize them with {@link
 * Standardizer} fitted on the training part.
 */
public final class SklearnData {
  static final String DIR = "usr/lib/python3/dist-packages/sklearn/datasets/data/";

  private SklearnData() {}

  /** 1,797 digits of 8x8 pixels ({@code [1, 8, 8]}, values in [0, 1]), 10 classes. */
  public static ArrayDataset digits() {
    return digits(PinnedData.directory("sklearn-datasets").resolve(DIR + "digits.csv.gz"));
  }

  /** Digits from a {@code digits.csv.gz} (or uncompressed {@code .csv}) file. */
  public static ArrayDataset digits(Path file) {
    List<String> lines = readLines(file);
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        rows.add(parseRow(lines.get(i), 65, file, i + 1));
      }
    }
    float[] x = new float[rows.size() * 64];
    int[] y = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      float[] r = rows.get(i);
      for (int k = 0; k < 64; k++) {
        x[i * 64 + k] = r[k] / 16f;
      }
      y[i] = label(r[64], 10, file, i + 1);
    }
    return new ArrayDataset(x, y, new int[] {1, 8, 8}, ArrayDataset.numberedClasses(10));
  }

  /** 150 iris flowers, 4 features, 3 classes. */
  public static ArrayDataset iris() {
    return withHeader(PinnedData.directory("sklearn-datasets").resolve(DIR + "iris.csv"));
  }

  /** 178 wines, 13 features, 3 classes. */
  public static ArrayDataset wine() {
    return withHeader(PinnedData.directory("sklearn-datasets").resolve(DIR + "wine_data.csv"));
  }

  /**
   * A scikit-learn CSV whose first line is {@code samples,features,class names...} followed by rows
   * of features and an integer label (iris.csv, wine_data.csv, breast_cancer.csv).
   */
  public static ArrayDataset withHeader(Path file) {
    List<String> lines = readLines(file);
    if (lines.isEmpty()) {
      throw new DataException(file + " is empty");
    }
    String[] head = lines.getFirst().split(",");
    int samples;
    int features;
    try {
      samples = Integer.parseInt(head[0].strip());
      features = Integer.parseInt(head[1].strip());
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new DataException(
          file + ": first line should be 'samples,features,class names...', got " + head[0]);
    }
    List<String> names = Arrays.stream(head).skip(2).map(String::strip).toList();
    if (samples < 0 || features < 1 || names.isEmpty() || lines.size() - 1 < samples) {
      throw new DataException(
          file
              + ": header announces "
              + samples
              + " samples of "
              + features
              + " features in "
              + names.size()
              + " classes, file has "
              + (lines.size() - 1)
              + " rows");
    }
    float[] x = new float[Math.multiplyExact(samples, features)];
    int[] y = new int[samples];
    for (int i = 0; i < samples; i++) {
      float[] r = parseRow(lines.get(i + 1), features + 1, file, i + 2);
      System.arraycopy(r, 0, x, i * features, features);
      y[i] = label(r[features], names.size(), file, i + 2);
    }
    return new ArrayDataset(x, y, new int[] {features}, names);
  }

  private static int label(float v, int classes, Path file, int line) {
    int l = (int) v;
    if (l != v || l < 0 || l >= classes) {
      throw new DataException(
          file + " line " + line + ": label " + v + " is not a class index 0.." + (classes - 1));
    }
    return l;
  }

  private static float[] parseRow(String line, int columns, Path file, int lineNo) {
    String[] f = line.split(",");
    if (f.length != columns) {
      throw new DataException(
          file + " line " + lineNo + " has " + f.length + " columns, expected " + columns);
    }
    float[] r = new float[columns];
    for (int i = 0; i < columns; i++) {
      try {
        r[i] = Float.parseFloat(f[i].strip());
      } catch (NumberFormatException e) {
        throw new DataException(
            file + " line " + lineNo + " column " + (i + 1) + ": '" + f[i] + "' is not a number");
      }
    }
    return r;
  }

  private static List<String> readLines(Path file) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().toList();
    } catch (NoSuchFileException e) {
      throw new DataException(file + " does not exist (run: ledge fetch sklearn-datasets)");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
