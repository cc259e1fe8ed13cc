package dev.ledge.models;

import dev.ledge.onnx.OnnxValues;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.Close;
import dev.ledge.testing.OrtReference;
import dev.ledge.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real models against ONNX Runtime on the same inputs (max scaled difference 1e-4), and the ONNX
 * "light" architectures against their stored reference outputs.
 */
class RealModelsTest {
  private static final double TOL = 1e-4;

  /** 16 kHz test signal: a voiced-like harmonic burst between silence and noise, seeded. */
  static float[] testAudio(int samples, long seed) {
    Random r = new Random(seed);
    float[] a = new float[samples];
    for (int i = 0; i < samples; i++) {
      double t = i / 16000.0;
      double env = (i > samples / 4 && i < 3 * samples / 4) ? 0.5 : 0.01;
      double v =
          env
              * (Math.sin(2 * Math.PI * 220 * t)
                  + 0.5 * Math.sin(2 * Math.PI * 440 * t)
                  + 0.25 * Math.sin(2 * Math.PI * 660 * t));
      a[i] = (float) (v + 0.01 * r.nextGaussian());
    }
    return a;
  }

  /** Silero VAD v5 streaming: 512-sample chunks, each preceded by the previous 64 samples. */
  private static void sileroStreaming(String file) throws Exception {
    Path model = TestData.pinnedFile("silero-vad", file);
    float[] audio = testAudio(16000, 7);
    try (Session s = Model.load(model).newSession();
        OrtReference ort = new OrtReference(model)) {
      double worst = 0;
      Tensor state = Tensor.allocate(DType.FLOAT32, 2, 1, 128);
      Tensor ortState = state;
      float[] context = new float[64];
      for (int start = 0, chunk = 0; start + 512 <= audio.length; start += 512, chunk++) {
        float[] x = new float[576];
        System.arraycopy(context, 0, x, 0, 64);
        System.arraycopy(audio, start, x, 64, 512);
        System.arraycopy(audio, start + 512 - 64, context, 0, 64);
        Tensor sr = Tensor.scalar(16000L);
        Map<String, Tensor> ours =
            s.run(Map.of("input", Tensor.wrap(x, 1, 576), "state", state, "sr", sr));
        Map<String, Tensor> ref =
            ort.run(Map.of("input", Tensor.wrap(x.clone(), 1, 576), "state", ortState, "sr", sr));
        worst =
            Math.max(
                worst,
                Close.assertClose(
                    ours.get("output"),
                    ref.get("output"),
                    TOL,
                    file + " chunk " + chunk + " output"));
        worst =
            Math.max(
                worst,
                Close.assertClose(
                    ours.get("stateN"),
                    ref.get("stateN"),
                    TOL,
                    file + " chunk " + chunk + " state"));
        state = ours.get("stateN");
        ortState = ref.get("stateN");
      }
      System.out.println("max difference vs ONNX Runtime, " + file + " (31 chunks): " + worst);
    }
  }

  @Test
  void sileroVadMatchesOnnxRuntime() throws Exception {
    sileroStreaming("weights/silero_vad.onnx");
  }

  @Test
  void sileroVadIflessMatchesOnnxRuntime() throws Exception {
    sileroStreaming("weights/silero_vad_op18_ifless.onnx");
  }

  @TestFactory
  Stream<DynamicTest> openWakeWordModelsMatchOnnxRuntime() {
    Random rnd = new Random(11);
    return Stream.of(
            new Object[] {"models/melspectrogram.onnx", new int[] {1, 1760}},
            new Object[] {"models/embedding_model.onnx", new int[] {1, 76, 32, 1}},
            new Object[] {"models/hey_jarvis_v0.1.onnx", new int[] {1, 16, 96}},
            new Object[] {"models/alexa_v0.1.onnx", new int[] {1, 16, 96}})
        .map(
            c ->
                DynamicTest.dynamicTest(
                    (String) c[0],
                    () -> {
                      Path model = TestData.pinnedFile("openwakeword", (String) c[0]);
                      Model m = Model.load(model);
                      String input = m.inputs().getFirst().name();
                      int[] shape = (int[]) c[1];
                      int n = 1;
                      for (int d : shape) {
                        n *= d;
                      }
                      float[] x = new float[n];
                      for (int i = 0; i < n; i++) {
                        x[i] =
                            ((String) c[0]).contains("mel")
                                ? (float) (0.3 * rnd.nextGaussian())
                                : (float) rnd.nextGaussian();
                      }
                      try (Session s = m.newSession();
                          OrtReference ort = new OrtReference(model)) {
                        Map<String, Tensor> ours = s.run(Map.of(input, Tensor.wrap(x, shape)));
                        Map<String, Tensor> ref =
                            ort.run(Map.of(input, Tensor.wrap(x.clone(), shape)));
                        for (String k : ref.keySet()) {
                          double d =
                              Close.assertClose(ours.get(k), ref.get(k), TOL, c[0] + " " + k);
                          System.out.println(
                              "max difference vs ONNX Runtime, " + c[0] + " " + k + ": " + d);
                        }
                      }
                    }));
  }

  /** The ONNX light models, fed as the ONNX backend runner feeds them: arange(n)/n. */
  @TestFactory
  Stream<DynamicTest> lightModelsMatchTheirReferenceOutputs() throws Exception {
    Path dir = TestData.shared("onnx-tests/light");
    List<Path> models;
    try (Stream<Path> s = Files.list(dir)) {
      models = s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
    }
    return models.stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.getFileName().toString(),
                    () -> {
                      Model m = Model.load(p);
                      Map<String, Tensor> feed = new LinkedHashMap<>();
                      for (var in : m.inputs()) {
                        var tt = in.tensorType();
                        int[] shape = new int[tt.shape().rank()];
                        for (int i = 0; i < shape.length; i++) {
                          shape[i] =
                              tt.shape().dim(i).isKnown() ? (int) tt.shape().dim(i).value() : 1;
                        }
                        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
                        float[] a = t.floats();
                        for (int i = 0; i < a.length; i++) {
                          a[i] = (float) ((double) i / a.length);
                        }
                        feed.put(in.name(), t);
                      }
                      String stem = p.getFileName().toString().replace(".onnx", "");
                      try (Session s = m.newSession()) {
                        Map<String, Tensor> out = s.run(feed);
                        for (int i = 0; i < m.outputs().size(); i++) {
                          Path expected = dir.resolve(stem + "_output_" + i + ".pb");
                          double d =
                              Close.assertClose(
                                  out.get(m.outputs().get(i).name()),
                                  OnnxValues.readTensor(expected),
                                  TOL,
                                  stem + " output " + i);
                          System.out.println("max difference vs reference, " + stem + ": " + d);
                        }
                      }
                    }));
  }
}
