package dev.ledge.train.data;

import dev.ledge.data.DataException;
import dev.ledge.tensor.Npy;
import dev.ledge.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Data sets from NumPy files: features {@code [N, ...]} of any numeric type (converted to float32)
 * and integer labels {@code [N]}, either as two {@code .npy} files or as two arrays of an {@code
 * .npz} archive (a zip of {@code .npy} files, compressed or not, as {@code numpy.savez} writes).
 */
public final class NumpyData {
  private NumpyData() {}

  /** Features and labels from two .npy files. */
  public static ArrayDataset load(Path features, Path labels) {
    return fromTensors(Npy.read(features), Npy.read(labels), features + " / " + labels);
  }

  /** Every array of an .npz archive, by name (without the {@code .npy} suffix), in file order. */
  public static Map<String, Tensor> readNpz(Path file) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      var entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory() || !e.getName().endsWith(".npy")) {
          continue;
        }
        String name = e.getName().substring(0, e.getName().length() - 4);
        long size = e.getSize() >= 0 ? e.getSize() : Long.MAX_VALUE;
        try (InputStream in = zip.getInputStream(e)) {
          out.put(name, Npy.read(in, file + ":" + e.getName(), size));
        }
      }
    } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
      throw new DataException("npz file " + file + " does not exist");
    } catch (IOException e) {
      throw new DataException("cannot read npz file " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Features and labels from arrays {@code xKey} and {@code yKey} of an .npz archive. */
  public static ArrayDataset loadNpz(Path file, String xKey, String yKey) {
    Map<String, Tensor> arrays = readNpz(file);
    Tensor x = arrays.get(xKey);
    Tensor y = arrays.get(yKey);
    if (x == null || y == null) {
      throw new DataException(
          file + " has arrays " + arrays.keySet() + "; expected '" + xKey + "' and '" + yKey + "'");
    }
    return fromTensors(x, y, file.toString());
  }

  /** A data set from a feature tensor {@code [N, ...]} and a label tensor {@code [N]}. */
  public static ArrayDataset fromTensors(Tensor x, Tensor y, String what) {
    if (!x.dtype().isNumeric() || x.dtype().kind() == dev.ledge.tensor.DType.Kind.COMPLEX) {
      throw new DataException(what + ": features have type " + x.dtype() + ", expected numbers");
    }
    if (x.rank() < 1 || y.rank() != 1 || y.dim(0) != x.dim(0)) {
      throw new DataException(
          what
              + ": expected features [N, ...] and labels [N], got "
              + Arrays.toString(x.shape())
              + " and "
              + Arrays.toString(y.shape()));
    }
    int n = x.dim(0);
    int[] labels = new int[n];
    int max = -1;
    for (int i = 0; i < n; i++) {
      double v = y.getDouble(i);
      if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE - 1) {
        throw new DataException(what + ": label " + i + " is " + v + ", expected an integer >= 0");
      }
      labels[i] = (int) v;
      max = Math.max(max, labels[i]);
    }
    float[] f;
    if (x.dtype() == dev.ledge.tensor.DType.FLOAT32
        && x.isArrayBacked()
        && x.offset() == 0
        && x.floats().length == x.size()) {
      f = x.floats();
    } else {
      f = new float[x.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) x.getDouble(i);
      }
    }
    int[] shape = Arrays.copyOfRange(x.shape(), 1, x.rank());
    List<String> names = new ArrayList<>(ArrayDataset.numberedClasses(max + 1));
    return new ArrayDataset(f, labels, shape, names);
  }
}
