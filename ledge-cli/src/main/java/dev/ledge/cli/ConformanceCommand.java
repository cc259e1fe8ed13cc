package dev.ledge.cli;

import dev.ledge.LedgeException;
import dev.ledge.conformance.BackendTest;
import dev.ledge.conformance.BackendTest.Result;
import dev.ledge.conformance.BackendTest.Status;
import dev.ledge.conformance.ValueComparator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledge conformance}: runs ONNX backend test folders and reports how Ledge does. */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    description = {
      "Run ONNX backend conformance tests (folders with model.onnx and test_data_set_*/).",
      "",
      "Each DIR is a test folder or a folder of test folders (e.g. ../shared/onnx-tests/node)."
          + " Outputs are compared with the ONNX backend tolerances: rtol 1e-3, atol 1e-7,"
          + " NaN equals NaN; integer, bool and string outputs exactly. A test whose model uses"
          + " something Ledge does not implement is 'unsupported'; wrong values are 'failed';"
          + " any other exception is an 'error'.",
      ""
    },
    footer = {
      "",
      "Example: ledge conformance ../shared/onnx-tests/node --filter 'test_(conv|gemm)' "
    })
final class ConformanceCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "DIR", arity = "1..*", description = "Test folders or parents of them.")
  List<Path> dirs;

  @Option(
      names = "--filter",
      paramLabel = "REGEX",
      description = "Run only tests whose name matches (find, not full match).")
  String filter;

  @Option(names = "--json", paramLabel = "FILE", description = "Write every result as JSON.")
  Path json;

  @Option(
      names = "--markdown",
      paramLabel = "FILE",
      description =
          "Write a Markdown report listing every non-passing test with its reason (docs/conformance.md).")
  Path markdown;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "Per-test time limit (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print every test, not only the ones that do not pass.")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) {
        throw new LedgeException("conformance: " + d + " is not a directory");
      }
    }
    List<Path> tests = BackendTest.discover(dirs);
    if (filter != null) {
      Pattern p = Pattern.compile(filter);
      tests = tests.stream().filter(t -> p.matcher(t.getFileName().toString()).find()).toList();
    }
    ValueComparator cmp = ValueComparator.onnxDefaults();
    List<Result> results = new ArrayList<>();
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, 0);
    }
    Progress progress = new Progress(err, "conformance", tests.size());
    ExecutorService pool =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "conformance");
              t.setDaemon(true);
              return t;
            });
    try {
      for (Path t : tests) {
        Result r = runWithTimeout(pool, t, cmp);
        if (r.status() == Status.ERROR && r.reason().startsWith("timed out")) {
          pool.shutdownNow();
          pool =
              Executors.newSingleThreadExecutor(
                  x -> {
                    Thread th = new Thread(x, "conformance");
                    th.setDaemon(true);
                    return th;
                  });
        }
        results.add(r);
        counts.merge(r.status(), 1, Integer::sum);
        if (verbose || r.status() != Status.PASSED) {
          progress.clear();
          out.printf(
              "%-11s %s%s%n",
              r.status().name().toLowerCase(),
              r.name(),
              r.reason().isEmpty() ? "" : ": " + r.reason());
          out.flush();
        }
        progress.step(r.name());
      }
    } finally {
      pool.shutdownNow();
      progress.done();
    }
    if (json != null) {
      writeAtomically(json, ConformanceReport.json(results));
    }
    if (markdown != null) {
      writeAtomically(markdown, ConformanceReport.markdown(results, dirs, filter));
    }
    out.printf(
        "conformance: %d passed, %d failed, %d errors, %d unsupported%n",
        counts.get(Status.PASSED),
        counts.get(Status.FAILED),
        counts.get(Status.ERROR),
        counts.get(Status.UNSUPPORTED));
    out.flush();
    return counts.get(Status.FAILED) + counts.get(Status.ERROR) > 0 ? 1 : 0;
  }

  private Result runWithTimeout(ExecutorService pool, Path t, ValueComparator cmp) {
    Future<Result> f = pool.submit(() -> BackendTest.run(t, cmp));
    try {
      return f.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return new Result(
          t.getFileName().toString(),
          Status.ERROR,
          "timed out after " + timeoutSeconds + " s",
          timeoutSeconds * 1000L);
    } catch (ExecutionException e) {
      return new Result(t.getFileName().toString(), Status.ERROR, "internal: " + e.getCause(), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgeException("conformance run interrupted");
    }
  }

  static void writeAtomically(Path file, String content) throws IOException {
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
