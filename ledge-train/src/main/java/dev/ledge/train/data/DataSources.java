package dev.ledge.train.data;

import dev.ledge.data.DataException;
import dev.ledge.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Named data sets and files as train/test splits, as {@code ledge train --data} and {@code ledge
 * eval --data} take them:
 *
 * <ul>
 *   <li>{@code mnist}: the canonical 8,000/2,000 split ({@link Mnist#CANONICAL_SPLIT});
 *   <li>{@code digits}, {@code iris}, {@code wine}: scikit-learn's CSVs, split by {@link
 *       #DEFAULT_SPLIT}; iris and wine standardized with training statistics;
 *   <li>a directory of class folders ({@link LabelledFolder}), split by {@link #DEFAULT_SPLIT};
 *   <li>an {@code .npz} file with arrays {@code x_train, y_train, x_test, y_test}, or {@code x, y}
 *       split by {@link #DEFAULT_SPLIT}.
 * </ul>
 */
public final class DataSources {
  /** The split of every data set without a canonical one: 20% per class, seed 2024. */
  public static final SplitSpec DEFAULT_SPLIT = new SplitSpec(0.2, 2024);

  private DataSources() {}

  /** The train/test split a spec names. */
  public static Split load(String spec) {
    switch (spec) {
      case "mnist":
        return Mnist.canonicalSplit();
      case "digits":
        return DEFAULT_SPLIT.apply(SklearnData.digits());
      case "iris":
        return standardized(DEFAULT_SPLIT.apply(SklearnData.iris()));
      case "wine":
        return standardized(DEFAULT_SPLIT.apply(SklearnData.wine()));
      default:
        break;
    }
    Path p = Path.of(spec);
    if (Files.isDirectory(p)) {
      return DEFAULT_SPLIT.apply(LabelledFolder.load(p));
    }
    if (Files.isRegularFile(p) && spec.endsWith(".npz")) {
      Map<String, Tensor> a = NumpyData.readNpz(p);
      if (a.containsKey("x_train")
          && a.containsKey("y_train")
          && a.containsKey("x_test")
          && a.containsKey("y_test")) {
        ArrayDataset train = NumpyData.fromTensors(a.get("x_train"), a.get("y_train"), spec);
        ArrayDataset test = NumpyData.fromTensors(a.get("x_test"), a.get("y_test"), spec);
        return new Split(train, test);
      }
      if (a.containsKey("x") && a.containsKey("y")) {
        return DEFAULT_SPLIT.apply(NumpyData.fromTensors(a.get("x"), a.get("y"), spec));
      }
      throw new DataException(
          spec
              + " has arrays "
              + a.keySet()
              + "; expected x_train, y_train, x_test, y_test or x, y");
    }
    throw new DataException(
        "unknown data '"
            + spec
            + "': expected mnist, digits, iris, wine, a directory of class"
            + " folders or an .npz file");
  }

  private static Split standardized(Split s) {
    Standardizer st = Standardizer.fit(s.train());
    return new Split(st.apply(s.train()), st.apply(s.test()));
  }
}
