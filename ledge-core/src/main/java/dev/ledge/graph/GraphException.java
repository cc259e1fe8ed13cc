package dev.ledge.graph;

import dev.ledge.LedgeException;

/** A graph is malformed: dangling or duplicate names, cycles, missing values, bad types. */
public final class GraphException extends LedgeException {
  private static final long serialVersionUID = 1L;

  public GraphException(String message) {
    super(message);
  }
}
