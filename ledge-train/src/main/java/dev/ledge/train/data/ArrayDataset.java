package dev.ledge.train.data;

import dev.ledge.LedgeException;
import dev.ledge.tensor.Shapes;
import java.util.ArrayList;
import java.util.List;

/** A data set held in memory: one flat float array of samples and an int label per sample. */
public final class ArrayDataset implements Dataset {
  private final float[] features;
  private final int[] labels;
  private final int[] shape;
  private final int sampleSize;
  private final List<String> classNames;

  /**
   * @param features {@code labels.length * size(shape)} floats, sample after sample (not copied)
   * @param labels the label of each sample, each in {@code [0, classNames.size())} (not copied)
   * @param shape the shape of one sample
   * @param classNames class names by label
   */
  public ArrayDataset(float[] features, int[] labels, int[] shape, List<String> classNames) {
    this.shape = shape.clone();
    this.sampleSize = Shapes.size(this.shape);
    if ((long) sampleSize * labels.length != features.length) {
      throw new LedgeException(
          "data set of "
              + labels.length
              + " samples of shape "
              + Shapes.toString(this.shape)
              + " needs "
              + (long) sampleSize * labels.length
              + " floats, got "
              + features.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new LedgeException(
            "sample "
                + i
                + " has label "
                + labels[i]
                + ", expected 0.."
                + (classNames.size() - 1)
                + " ("
                + classNames.size()
                + " classes)");
      }
    }
    this.features = features;
    this.labels = labels;
    this.classNames = List.copyOf(classNames);
  }

  /** Class names "0", "1", ... for {@code n} classes. */
  public static List<String> numberedClasses(int n) {
    List<String> r = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      r.add(Integer.toString(i));
    }
    return r;
  }

  /** A fully materialized copy of any data set. */
  public static ArrayDataset copyOf(Dataset d) {
    int s = d.sampleSize();
    float[] f = new float[Math.multiplyExact(s, d.size())];
    int[] l = new int[d.size()];
    for (int i = 0; i < d.size(); i++) {
      d.copySample(i, f, i * s);
      l[i] = d.label(i);
    }
    return new ArrayDataset(f, l, d.sampleShape(), d.classNames());
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public int[] sampleShape() {
    return shape.clone();
  }

  @Override
  public int sampleSize() {
    return sampleSize;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public void copySample(int i, float[] dst, int offset) {
    System.arraycopy(features, i * sampleSize, dst, offset, sampleSize);
  }

  /** The backing feature array (not a copy). */
  float[] features() {
    return features;
  }
}
