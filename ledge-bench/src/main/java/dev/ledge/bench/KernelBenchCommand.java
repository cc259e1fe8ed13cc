package dev.ledge.bench;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ledge bench-kernels}: the JMH kernel benchmarks, summarised as GFLOP/s and % of peak. */
@Command(
    name = "bench-kernels",
    mixinStandardHelpOptions = true,
    description = {
      "Run the JMH kernel benchmarks (SGEMM at square and layer shapes, one thread) and the"
          + " core's measured fp32 FMA peak; print GFLOP/s and the fraction of peak.",
      ""
    })
final class KernelBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--shape",
      paramLabel = "MxNxK",
      description = "Only these SGEMM shapes (repeatable).")
  String[] shapes;

  @Option(names = "--quick", description = "Fewer, shorter iterations (noisier).")
  boolean quick;

  @Override
  public Integer call() throws RunnerException {
    PrintWriter out = spec.commandLine().getOut();
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include(SgemmBenchmark.class.getSimpleName())
            .include(FmaPeakBenchmark.class.getSimpleName())
            .shouldDoGC(true);
    if (shapes != null) {
      o.param("shape", shapes);
    }
    if (quick) {
      o.warmupIterations(2).measurementIterations(3);
    }
    Collection<RunResult> results = new Runner(o.build()).run();
    double peak = 0;
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith("fma")) {
        peak = FmaPeakBenchmark.flops() / (r.getPrimaryResult().getScore() * 1e-6) / 1e9;
      }
    }
    out.printf("%nfp32 FMA peak (measured): %.1f GFLOP/s%n%n", peak);
    out.printf(
        "%-18s %-10s %12s %10s %8s%n", "shape MxNxK", "kernel", "time (us)", "GFLOP/s", "% peak");
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      if (name.endsWith("fma")) {
        continue;
      }
      String shape = r.getParams().getParam("shape");
      double us = r.getPrimaryResult().getScore();
      double gflops = SgemmBenchmark.flops(shape) / (us * 1e-6) / 1e9;
      out.printf(
          "%-18s %-10s %12.1f %10.1f %7.0f%%%n",
          shape,
          name.substring(name.lastIndexOf('.') + 1),
          us,
          gflops,
          peak > 0 ? 100 * gflops / peak : 0);
    }
    out.flush();
    return 0;
  }
}
