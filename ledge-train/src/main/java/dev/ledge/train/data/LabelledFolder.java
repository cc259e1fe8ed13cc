package dev.ledge.train.data;

import dev.ledge.data.DataException;
import dev.ledge.tensor.Npy;
import dev.ledge.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder with one sub-folder per class (the sub-folder's name is the class name; classes are
 * sorted by name), holding {@code .wav} files (16-bit PCM, mono or stereo, mixed down to mono) or
 * {@code .npy} files, one sample each. Files are read in name order.
 */
public final class LabelledFolder {
  private LabelledFolder() {}

  /**
   * Loads WAV clips as float samples of one fixed length: shorter clips are zero-padded at the end,
   * longer ones truncated. All clips must share one sample rate.
   *
   * @param dir the folder of class folders
   * @param length samples per clip; 0 means the longest clip's length
   */
  public static ArrayDataset wav(Path dir, int length) {
    List<String> classes = classes(dir);
    List<float[]> clips = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int rate = -1;
    int longest = 0;
    for (int c = 0; c < classes.size(); c++) {
      for (Path f : files(dir.resolve(classes.get(c)), ".wav")) {
        WavReader.Audio a = WavReader.read(f);
        if (rate >= 0 && a.sampleRate() != rate) {
          throw new DataException(
              f + " has sample rate " + a.sampleRate() + " but earlier clips have " + rate);
        }
        rate = a.sampleRate();
        float[] m = a.mono();
        longest = Math.max(longest, m.length);
        clips.add(m);
        labels.add(c);
      }
    }
    if (clips.isEmpty()) {
      throw new DataException(dir + " has no .wav files in its class folders " + classes);
    }
    int len = length > 0 ? length : longest;
    float[] x = new float[Math.multiplyExact(len, clips.size())];
    for (int i = 0; i < clips.size(); i++) {
      float[] m = clips.get(i);
      System.arraycopy(m, 0, x, i * len, Math.min(len, m.length));
    }
    return new ArrayDataset(
        x, labels.stream().mapToInt(Integer::intValue).toArray(), new int[] {len}, classes);
  }

  /** Loads one .npy array per sample; every array must have the same shape. */
  public static ArrayDataset npy(Path dir) {
    List<String> classes = classes(dir);
    List<float[]> samples = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int[] shape = null;
    for (int c = 0; c < classes.size(); c++) {
      for (Path f : files(dir.resolve(classes.get(c)), ".npy")) {
        Tensor t = Npy.read(f);
        if (shape == null) {
          shape = t.shape();
        } else if (!Arrays.equals(shape, t.shape())) {
          throw new DataException(
              f
                  + " has shape "
                  + Arrays.toString(t.shape())
                  + ", earlier samples "
                  + Arrays.toString(shape));
        }
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) t.getDouble(i);
        }
        samples.add(v);
        labels.add(c);
      }
    }
    if (samples.isEmpty()) {
      throw new DataException(dir + " has no .npy files in its class folders " + classes);
    }
    int s = samples.getFirst().length;
    float[] x = new float[Math.multiplyExact(s, samples.size())];
    for (int i = 0; i < samples.size(); i++) {
      System.arraycopy(samples.get(i), 0, x, i * s, s);
    }
    return new ArrayDataset(
        x, labels.stream().mapToInt(Integer::intValue).toArray(), shape, classes);
  }

  /** Loads whichever kind of file the class folders hold (.wav or .npy). */
  public static ArrayDataset load(Path dir) {
    List<String> classes = classes(dir);
    for (String c : classes) {
      if (!files(dir.resolve(c), ".wav").isEmpty()) {
        return wav(dir, 0);
      }
      if (!files(dir.resolve(c), ".npy").isEmpty()) {
        return npy(dir);
      }
    }
    throw new DataException(dir + ": class folders " + classes + " hold no .wav or .npy files");
  }

  static List<String> classes(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DataException(dir + " is not a directory");
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names =
          s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
      if (names.isEmpty()) {
        throw new DataException(dir + " has no class sub-folders");
      }
      return names;
    } catch (IOException e) {
      throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(suffix))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
