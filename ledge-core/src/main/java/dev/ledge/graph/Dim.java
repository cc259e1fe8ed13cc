package dev.ledge.graph;

/**
 * One dimension of a static shape: a known size, a named symbol (e.g. {@code batch}) or unknown.
 *
 * @param value the size if known, else -1
 * @param symbol the symbol if symbolic, else null
 */
public record Dim(long value, String symbol) {
  private static final Dim UNKNOWN = new Dim(-1, null);

  public static Dim of(long value) {
    return new Dim(value, null);
  }

  public static Dim symbolic(String symbol) {
    return new Dim(-1, symbol);
  }

  public static Dim unknown() {
    return UNKNOWN;
  }

  public boolean isKnown() {
    return value >= 0;
  }

  @Override
  public String toString() {
    return isKnown() ? Long.toString(value) : symbol != null ? symbol : "?";
  }
}
