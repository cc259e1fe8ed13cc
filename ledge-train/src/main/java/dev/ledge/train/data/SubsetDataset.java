package dev.ledge.train.data;

import java.util.List;

/** The samples of another data set at given indices (a view; nothing is copied). */
final class SubsetDataset implements Dataset {
  private final Dataset base;
  private final int[] indices;

  SubsetDataset(Dataset base, int[] indices) {
    for (int i : indices) {
      if (i < 0 || i >= base.size()) {
        throw new IllegalArgumentException(
            "subset index " + i + " outside [0, " + base.size() + ")");
      }
    }
    this.base = base;
    this.indices = indices.clone();
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public int[] sampleShape() {
    return base.sampleShape();
  }

  @Override
  public List<String> classNames() {
    return base.classNames();
  }

  @Override
  public int label(int i) {
    return base.label(indices[i]);
  }

  @Override
  public void copySample(int i, float[] dst, int offset) {
    base.copySample(indices[i], dst, offset);
  }
}
