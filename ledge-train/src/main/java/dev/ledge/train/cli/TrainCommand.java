package dev.ledge.train.cli;

import dev.ledge.LedgeException;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.onnx.OnnxReader;
import dev.ledge.train.EpochStats;
import dev.ledge.train.Fit;
import dev.ledge.train.StepResult;
import dev.ledge.train.Trainer;
import dev.ledge.train.TrainingGraph;
import dev.ledge.train.data.Augmentations;
import dev.ledge.train.data.DataLoader;
import dev.ledge.train.data.DataSources;
import dev.ledge.train.data.Split;
import dev.ledge.train.export.InferenceExport;
import dev.ledge.train.loss.CrossEntropyLoss;
import dev.ledge.train.model.Architectures;
import dev.ledge.train.optim.Adam;
import dev.ledge.train.optim.LrSchedule;
import dev.ledge.train.optim.Optimizer;
import dev.ledge.train.optim.Sgd;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ledge train}: trains a classifier and writes it as inference ONNX. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train a classifier on the JVM (autograd over the same graph and kernels as inference) and"
          + " write it as inference ONNX (BatchNorm in eval form, Dropout removed).",
      "",
      "Data: mnist (the canonical 8,000/2,000 split), digits, iris, wine (scikit-learn CSVs, 80/20"
          + " stratified split), a directory of class folders of .wav or .npy files, or an .npz"
          + " file (x_train/y_train/x_test/y_test, or x/y). Fetch pinned data with 'ledge fetch"
          + " mnist sklearn-datasets'.",
      ""
    },
    footer = {
      "",
      "Example: ledge train --arch lenet5 --data mnist --epochs 10 --batch 64 --lr 0.05"
          + " --optimizer sgd --seed 1 --out lenet5.onnx"
    })
public final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--arch",
      required = true,
      description = "mlp, lenet5 or an .onnx file to fine-tune.")
  String arch;

  @Option(
      names = "--data",
      required = true,
      description = "mnist, digits, iris, wine, DIR or FILE.npz.")
  String data;

  @Option(
      names = "--epochs",
      defaultValue = "10",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--optimizer",
      defaultValue = "sgd",
      description = "sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(
      names = "--lr",
      description = "Learning rate (default: 0.05 for sgd, 0.001 for adam/adamw).")
  Double lr;

  @Option(
      names = "--momentum",
      defaultValue = "0.9",
      description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
  boolean nesterov;

  @Option(
      names = "--weight-decay",
      description = "Weight decay (L2 for sgd/adam, decoupled for adamw; default 0, adamw 0.01).")
  Double weightDecay;

  @Option(
      names = "--schedule",
      defaultValue = "constant",
      description = "Learning-rate schedule: constant, cosine or step (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(
      names = "--step-epochs",
      defaultValue = "5",
      description = "Step schedule: epochs between decays.")
  int stepEpochs;

  @Option(names = "--gamma", defaultValue = "0.1", description = "Step schedule: decay factor.")
  double gamma;

  @Option(
      names = "--warmup",
      defaultValue = "0",
      description = "Linear warm-up steps (default: 0).")
  int warmup;

  @Option(
      names = "--clip",
      defaultValue = "0",
      description = "Clip gradients to this global norm (0: off).")
  double clip;

  @Option(
      names = "--label-smoothing",
      defaultValue = "0",
      description = "Label smoothing (default: 0).")
  double labelSmoothing;

  @Option(
      names = "--augment-shift",
      defaultValue = "0",
      description = "Random image shifts of up to N pixels.")
  int shift;

  @Option(
      names = "--freeze",
      description = "Regex of initializer names to keep fixed (fine-tuning).")
  String freeze;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of initialization, shuffling and dropout.")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Threads for the session (default: 1).")
  int threads;

  @Option(
      names = "--fold-bn",
      description = "Fold BatchNormalization into the preceding Conv/Gemm on export.")
  boolean foldBn;

  @Option(
      names = "--out",
      defaultValue = "model.onnx",
      description = "Output model (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--json", description = "Also write the per-epoch results as JSON.")
  Path json;

  @Option(names = "--no-progress", description = "No live progress line.")
  boolean noProgress;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (epochs < 1 || batch < 1 || threads < 1) {
      throw new LedgeException("--epochs, --batch and --threads must be >= 1");
    }
    Split split = DataSources.load(data);
    int[] sample = split.train().sampleShape();
    int classes = split.train().numClasses();
    ModelDef model = model(sample, classes);
    TrainingGraph.Builder tb = TrainingGraph.of(model, new CrossEntropyLoss(labelSmoothing, null));
    if (freeze != null) {
      Pattern p = Pattern.compile(freeze);
      tb.freeze(n -> p.matcher(n).find());
    }
    TrainingGraph tg = tb.build();
    DataLoader.Builder lb = DataLoader.builder(split.train()).batchSize(batch).shuffle(seed);
    if (shift > 0) {
      lb.augment(Augmentations.randomShift(shift));
    }
    DataLoader loader = lb.build();
    long totalSteps = (long) epochs * loader.batchesPerEpoch();
    double baseLr = lr != null ? lr : optimizer.equals("sgd") ? 0.05 : 0.001;
    Optimizer opt = optimizer(baseLr);
    LrSchedule sched = schedule(baseLr, totalSteps, loader.batchesPerEpoch());
    long params =
        tg.parameters().stream().mapToLong(n -> model.graph().initializers().get(n).size()).sum();
    err.printf(
        Locale.ROOT,
        "ledge train: %s on %s (%d train / %d test, %d classes), %d parameters, %s, lr %s%s%n",
        arch,
        data,
        split.train().size(),
        split.test().size(),
        classes,
        params,
        opt.describe(),
        baseLr,
        schedule.equals("constant") ? "" : " (" + schedule + ")");
    for (String note : tg.notes()) {
      err.println("  note: " + note);
    }
    err.flush();
    ProgressLine line = new ProgressLine(err, !noProgress);
    long runStart = System.nanoTime();
    List<EpochStats> stats;
    try (Trainer trainer =
        Trainer.builder(tg, opt)
            .schedule(sched)
            .clipGlobalNorm(clip)
            .seed(seed)
            .threads(threads)
            .build()) {
      stats =
          Fit.run(
              trainer,
              loader,
              split.test(),
              epochs,
              new Fit.Listener() {
                @Override
                public void onStep(int epoch, int step, int steps, StepResult r, EpochStats run) {
                  double elapsed = (System.nanoTime() - runStart) / 1e9;
                  long done = (long) (epoch - 1) * steps + step;
                  double eta = elapsed / done * (totalSteps - done);
                  line.draw(
                      String.format(
                          Locale.ROOT,
                          "epoch %d/%d %s step %d/%d  loss %.4f  acc %.2f%%  %.0f samples/s  ETA %s",
                          epoch,
                          epochs,
                          ProgressLine.bar(step / (double) steps, 20),
                          step,
                          steps,
                          run.trainLoss(),
                          100 * run.trainAccuracy(),
                          run.samplesPerSecond(),
                          ProgressLine.duration(eta)),
                      step == steps);
                }

                @Override
                public void onEpoch(EpochStats s) {
                  line.clear();
                  err.printf(
                      Locale.ROOT,
                      "epoch %d/%d: loss %.4f, train accuracy %.2f%%, test accuracy %.2f%%, %.1fs,"
                          + " %.0f samples/s%n",
                      s.epoch(),
                      epochs,
                      s.trainLoss(),
                      100 * s.trainAccuracy(),
                      100 * s.testAccuracy(),
                      s.seconds(),
                      s.samplesPerSecond());
                  err.flush();
                }
              });
      double wall = (System.nanoTime() - runStart) / 1e9;
      EpochStats last = stats.getLast();
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("ledge.train.arch", arch);
      meta.put("ledge.train.data", data);
      meta.put("ledge.train.epochs", Integer.toString(epochs));
      meta.put("ledge.train.batch", Integer.toString(batch));
      meta.put("ledge.train.optimizer", opt.describe());
      meta.put("ledge.train.lr", baseLr + " " + schedule);
      meta.put("ledge.train.seed", Long.toString(seed));
      meta.put("ledge.train.test_accuracy", Double.toString(last.testAccuracy()));
      meta.put("ledge.train.wall_seconds", String.format(Locale.ROOT, "%.1f", wall));
      InferenceExport.write(trainer.currentModel(), foldBn, meta, out);
      printTable(o, stats, wall);
      o.printf(Locale.ROOT, "wrote %s (test accuracy %.2f%%)%n", out, 100 * last.testAccuracy());
      if (json != null) {
        writeJson(stats, wall, params);
      }
    }
    o.flush();
    return 0;
  }

  private ModelDef model(int[] sample, int classes) {
    return switch (arch) {
      case "mlp" -> Architectures.mlp(sample, classes, seed);
      case "lenet5" -> Architectures.lenet5(sample, classes, seed);
      default -> {
        Path p = Path.of(arch);
        if (!Files.isRegularFile(p)) {
          throw new LedgeException(
              "--arch: expected mlp, lenet5 or an existing .onnx file, got " + arch);
        }
        ModelDef m = OnnxReader.read(p);
        List<ValueInfo> in = m.graph().runtimeInputs();
        if (in.isEmpty() || in.getFirst().tensorType() == null) {
          throw new LedgeException(arch + " has no tensor input");
        }
        Shape s = in.getFirst().tensorType().shape();
        if (s != null) {
          boolean ok = s.rank() == sample.length + 1;
          for (int i = 0; ok && i < sample.length; i++) {
            ok = !s.dim(i + 1).isKnown() || s.dim(i + 1).value() == sample[i];
          }
          if (!ok) {
            throw new LedgeException(
                arch
                    + " expects input "
                    + s
                    + " but the data's samples are "
                    + Arrays.toString(sample)
                    + " (plus a batch dim)");
          }
        }
        yield m;
      }
    };
  }

  private Optimizer optimizer(double baseLr) {
    return switch (optimizer) {
      case "sgd" -> new Sgd(momentum, nesterov, weightDecay == null ? 0 : weightDecay);
      case "adam" -> Adam.adam(0.9, 0.999, 1e-8, weightDecay == null ? 0 : weightDecay);
      case "adamw" -> Adam.adamW(0.9, 0.999, 1e-8, weightDecay == null ? 0.01 : weightDecay);
      default ->
          throw new LedgeException("--optimizer: expected sgd, adam or adamw, got " + optimizer);
    };
  }

  private LrSchedule schedule(double baseLr, long totalSteps, int stepsPerEpoch) {
    LrSchedule s =
        switch (schedule) {
          case "constant" -> LrSchedule.constant(baseLr);
          case "cosine" -> LrSchedule.cosine(baseLr, Math.max(1, totalSteps - warmup), 0);
          case "step" -> LrSchedule.step(baseLr, (long) stepEpochs * stepsPerEpoch, gamma);
          default ->
              throw new LedgeException(
                  "--schedule: expected constant, cosine or step, got " + schedule);
        };
    return warmup > 0 ? LrSchedule.warmup(warmup, s) : s;
  }

  private static void printTable(PrintWriter o, List<EpochStats> stats, double wall) {
    o.println();
    o.println("epoch  train loss  train acc  test acc   time  samples/s");
    for (EpochStats s : stats) {
      o.printf(
          Locale.ROOT,
          "%5d  %10.4f  %8.2f%%  %7.2f%%  %5.1fs  %9.0f%n",
          s.epoch(),
          s.trainLoss(),
          100 * s.trainAccuracy(),
          100 * s.testAccuracy(),
          s.seconds(),
          s.samplesPerSecond());
    }
    o.printf(Locale.ROOT, "total wall time %.1fs%n", wall);
  }

  private void writeJson(List<EpochStats> stats, double wall, long params) throws IOException {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"arch\": \"")
        .append(arch.replace("\\", "\\\\").replace("\"", "\\\""))
        .append("\",\n");
    sb.append("  \"data\": \"")
        .append(data.replace("\\", "\\\\").replace("\"", "\\\""))
        .append("\",\n");
    sb.append(String.format(Locale.ROOT, "  \"parameters\": %d,%n", params));
    sb.append(String.format(Locale.ROOT, "  \"wall_seconds\": %.2f,%n", wall));
    sb.append("  \"epochs\": [");
    for (int i = 0; i < stats.size(); i++) {
      EpochStats s = stats.get(i);
      sb.append(i == 0 ? "\n" : ",\n")
          .append(
              String.format(
                  Locale.ROOT,
                  "    {\"epoch\": %d, \"train_loss\": %.6f, \"train_accuracy\": %.6f,"
                      + " \"test_accuracy\": %.6f, \"seconds\": %.3f, \"samples_per_second\": %.1f}",
                  s.epoch(),
                  s.trainLoss(),
                  s.trainAccuracy(),
                  s.testAccuracy(),
                  s.seconds(),
                  s.samplesPerSecond()));
    }
    sb.append("\n  ]\n}\n");
    Path tmp = Files.createTempFile(json.toAbsolutePath().getParent(), ".ledge-train", ".json");
    Files.writeString(tmp, sb);
    Files.move(tmp, json, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
