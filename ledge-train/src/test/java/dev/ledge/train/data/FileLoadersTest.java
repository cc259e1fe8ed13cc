package dev.ledge.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.data.DataException;
import dev.ledge.tensor.Npy;
import dev.ledge.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLoadersTest {
  @TempDir Path dir;

  @Test
  void npyPairAndNpzArchive() throws Exception {
    Tensor x = Tensor.wrap(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
    Tensor y = Tensor.wrap(new long[] {0, 2, 1}, 3);
    Npy.write(dir.resolve("x.npy"), x);
    Npy.write(dir.resolve("y.npy"), y);
    ArrayDataset d = NumpyData.load(dir.resolve("x.npy"), dir.resolve("y.npy"));
    assertEquals(3, d.size());
    assertEquals(3, d.numClasses());
    float[] s = new float[2];
    d.copySample(1, s, 0);
    assertArrayEquals(new float[] {3, 4}, s);
    assertEquals(2, d.label(1));

    Path npz = dir.resolve("data.npz");
    try (OutputStream out = Files.newOutputStream(npz);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var e : java.util.Map.of("x", x, "y", y).entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Npy.write(b, e.getValue());
        zip.write(b.toByteArray());
        zip.closeEntry();
      }
    }
    ArrayDataset z = NumpyData.loadNpz(npz, "x", "y");
    z.copySample(2, s, 0);
    assertArrayEquals(new float[] {5, 6}, s);
    DataException e =
        assertThrows(DataException.class, () -> NumpyData.loadNpz(npz, "features", "y"));
    assertTrue(e.getMessage().contains("expected 'features'"), e.getMessage());
    Tensor badY = Tensor.wrap(new double[] {0.5, 1, 2}, 3);
    e = assertThrows(DataException.class, () -> NumpyData.fromTensors(x, badY, "t"));
    assertTrue(e.getMessage().contains("label 0 is 0.5"), e.getMessage());
  }

  @Test
  void wavRoundTripMonoAndStereo() {
    float[] mono = {0f, 0.5f, -0.5f, 0.25f};
    WavReader.Audio a = WavReader.read(WavReader.encode(16000, 1, mono), "m");
    assertEquals(16000, a.sampleRate());
    assertArrayEquals(mono, a.samples(), 1e-4f);
    float[] stereo = {0.5f, -0.5f, 0.25f, 0.75f};
    WavReader.Audio s = WavReader.read(WavReader.encode(8000, 2, stereo), "s");
    assertEquals(2, s.frames());
    assertArrayEquals(new float[] {0f, 0.5f}, s.mono(), 1e-4f);
  }

  @Test
  void wavRejectsWhatItCannotRead() {
    byte[] w = WavReader.encode(16000, 1, new float[4]);
    w[34] = 8; // bits per sample
    DataException e = assertThrows(DataException.class, () -> WavReader.read(w, "x.wav"));
    assertTrue(e.getMessage().contains("only 16-bit integer PCM"), e.getMessage());
    e = assertThrows(DataException.class, () -> WavReader.read(new byte[] {1, 2, 3}, "y.wav"));
    assertTrue(e.getMessage().contains("not a RIFF/WAVE"), e.getMessage());
    byte[] noData = java.util.Arrays.copyOf(WavReader.encode(16000, 1, new float[0]), 36);
    e = assertThrows(DataException.class, () -> WavReader.read(noData, "z.wav"));
    assertTrue(e.getMessage().contains("no data chunk"), e.getMessage());
  }

  @Test
  void folderOfWavClipsByLabel() throws Exception {
    Files.createDirectories(dir.resolve("yes"));
    Files.createDirectories(dir.resolve("no"));
    Files.write(dir.resolve("yes/a.wav"), WavReader.encode(8000, 1, new float[] {0.5f, 0.5f}));
    Files.write(dir.resolve("yes/b.wav"), WavReader.encode(8000, 2, new float[] {1, 0, 1, 0}));
    Files.write(dir.resolve("no/c.wav"), WavReader.encode(8000, 1, new float[] {-0.5f, 0, 0}));
    ArrayDataset d = LabelledFolder.load(dir);
    assertEquals(List.of("no", "yes"), d.classNames());
    assertEquals(3, d.size());
    assertArrayEquals(new int[] {3}, d.sampleShape());
    float[] s = new float[3];
    d.copySample(1, s, 0);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, s, 1e-4f); // zero-padded
    assertEquals(1, d.label(1));
    ArrayDataset cut = LabelledFolder.wav(dir, 2);
    assertArrayEquals(new int[] {2}, cut.sampleShape());
    DataException e =
        assertThrows(DataException.class, () -> LabelledFolder.load(dir.resolve("yes")));
    assertTrue(e.getMessage().contains("no class sub-folders"), e.getMessage());
  }
}
