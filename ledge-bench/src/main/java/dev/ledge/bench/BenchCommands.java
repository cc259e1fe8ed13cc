package dev.ledge.bench;

import dev.ledge.cli.CommandProvider;
import java.util.List;

/** Registers {@code ledge bench} and {@code ledge bench-kernels} with the CLI. */
public final class BenchCommands implements CommandProvider {
  @Override
  public List<Object> commands() {
    return List.of(new BenchCommand(), new KernelBenchCommand());
  }
}
