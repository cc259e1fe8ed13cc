package dev.ledge.train.cli;

import dev.ledge.cli.CommandProvider;
import java.util.List;

/** Registers {@code ledge train} and {@code ledge eval} with the CLI. */
public final class TrainCommands implements CommandProvider {
  @Override
  public List<Object> commands() {
    return List.of(new TrainCommand(), new EvalCommand());
  }
}
