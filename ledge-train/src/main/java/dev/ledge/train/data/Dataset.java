package dev.ledge.train.data;

import dev.ledge.tensor.Shapes;
import java.util.List;

/**
 * A labelled data set of fixed-shape float32 samples, read by index. Implementations are immutable
 * after construction, so loaders and evaluators may read them from several threads.
 */
public interface Dataset {
  /** Number of samples. */
  int size();

  /** The shape of one sample (without the batch dim), e.g. {@code [1, 28, 28]}. */
  int[] sampleShape();

  /** Floats per sample. */
  default int sampleSize() {
    return Shapes.size(sampleShape());
  }

  /** Class names, indexed by label; {@code numClasses() == classNames().size()}. */
  List<String> classNames();

  default int numClasses() {
    return classNames().size();
  }

  /** The label of sample {@code i}, in {@code [0, numClasses())}. */
  int label(int i);

  /** Writes sample {@code i}'s {@link #sampleSize()} floats into {@code dst} at {@code offset}. */
  void copySample(int i, float[] dst, int offset);

  /** A view of the samples at {@code indices}, in that order. */
  default Dataset subset(int[] indices) {
    return new SubsetDataset(this, indices);
  }

  /** Number of samples per class. */
  default int[] classCounts() {
    int[] c = new int[numClasses()];
    for (int i = 0; i < size(); i++) {
      c[label(i)]++;
    }
    return c;
  }
}
