package dev.ledge.cli;

import java.util.List;

/**
 * Adds subcommands from other modules found on the class path (via {@link
 * java.util.ServiceLoader}), such as {@code ledge bench} from ledge-bench, so that the CLI module
 * itself stays free of their dependencies.
 */
public interface CommandProvider {
  /** Picocli command objects to add as subcommands of {@code ledge}. */
  List<Object> commands();
}
