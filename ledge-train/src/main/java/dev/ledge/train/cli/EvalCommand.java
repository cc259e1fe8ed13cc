package dev.ledge.train.cli;

import dev.ledge.LedgeException;
import dev.ledge.graph.ValueInfo;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.train.Evaluation;
import dev.ledge.train.data.DataSources;
import dev.ledge.train.data.Dataset;
import dev.ledge.train.data.Split;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledge eval}: accuracy, per-class precision/recall and the confusion matrix. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluate a classifier: accuracy, per-class precision and recall, confusion matrix.",
      "",
      "The model's first input gets the samples, its first output the class scores. --data takes"
          + " the same names as 'ledge train' and evaluates the same held-out split.",
      ""
    },
    footer = {"", "Example: ledge eval lenet5.onnx --data mnist --json eval.json"})
public final class EvalCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "An .onnx file.")
  Path model;

  @Option(
      names = "--data",
      required = true,
      description = "mnist, digits, iris, wine, DIR or FILE.npz.")
  String data;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "test, train or all (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--batch",
      defaultValue = "256",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--threads", defaultValue = "1", description = "Threads (default: 1).")
  int threads;

  @Option(
      names = "--json",
      description = "Write {\"accuracy\", \"per_class\", \"confusion\"} here.")
  Path json;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    Split s = DataSources.load(data);
    Dataset d =
        switch (split) {
          case "test" -> s.test();
          case "train" -> s.train();
          case "all" -> new ConcatDataset(s.train(), s.test());
          default -> throw new LedgeException("--split: expected test, train or all, got " + split);
        };
    Model m = Model.load(model);
    List<ValueInfo> in = m.inputs();
    if (in.isEmpty() || m.outputs().isEmpty()) {
      throw new LedgeException(model + " needs at least one input and one output");
    }
    Evaluation e;
    try (Session session = m.newSession(SessionOptions.defaults().threads(threads))) {
      e = Evaluation.of(session, in.getFirst().name(), m.outputs().getFirst().name(), d, batch);
    }
    o.printf(
        Locale.ROOT,
        "%s on %s (%s, %d samples): accuracy %.2f%%%n%n",
        model,
        data,
        split,
        e.total(),
        100 * e.accuracy());
    List<String> names = e.classNames();
    int w = Math.max(5, names.stream().mapToInt(String::length).max().orElse(5));
    o.printf(Locale.ROOT, "%-" + w + "s  precision   recall  support%n", "class");
    for (int c = 0; c < names.size(); c++) {
      o.printf(
          Locale.ROOT,
          "%-" + w + "s  %8.2f%%  %6.2f%%  %7d%n",
          names.get(c),
          100 * e.precision(c),
          100 * e.recall(c),
          e.support(c));
    }
    o.println();
    o.println("confusion (rows: true class, columns: predicted)");
    long max = 1;
    for (long[] row : e.confusion()) {
      for (long v : row) {
        max = Math.max(max, v);
      }
    }
    int cw = Math.max(Long.toString(max).length(), 3);
    StringBuilder head = new StringBuilder(" ".repeat(w));
    for (int c = 0; c < names.size(); c++) {
      head.append(' ').append(String.format("%" + cw + "s", abbreviate(names.get(c), cw)));
    }
    o.println(head);
    for (int r = 0; r < names.size(); r++) {
      StringBuilder row = new StringBuilder(String.format("%-" + w + "s", names.get(r)));
      for (long v : e.confusion()[r]) {
        row.append(' ').append(String.format("%" + cw + "d", v));
      }
      o.println(row);
    }
    if (json != null) {
      Path abs = json.toAbsolutePath();
      Path tmp = Files.createTempFile(abs.getParent(), ".ledge-eval", ".json");
      Files.writeString(tmp, e.toJson());
      Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      o.println();
      o.println("wrote " + json);
    }
    o.flush();
    return 0;
  }

  private static String abbreviate(String s, int w) {
    return s.length() <= w ? s : s.substring(0, w);
  }

  /** Two data sets one after the other. */
  private record ConcatDataset(Dataset a, Dataset b) implements Dataset {
    @Override
    public int size() {
      return a.size() + b.size();
    }

    @Override
    public int[] sampleShape() {
      return a.sampleShape();
    }

    @Override
    public List<String> classNames() {
      return a.classNames();
    }

    @Override
    public int label(int i) {
      return i < a.size() ? a.label(i) : b.label(i - a.size());
    }

    @Override
    public void copySample(int i, float[] dst, int offset) {
      if (i < a.size()) {
        a.copySample(i, dst, offset);
      } else {
        b.copySample(i - a.size(), dst, offset);
      }
    }
  }
}
