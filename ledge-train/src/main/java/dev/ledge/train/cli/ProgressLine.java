package dev.ledge.train.cli;

import java.io.PrintWriter;

/**
 * A one-line live status on the error stream, redrawn at most ten times a second, only when the
 * terminal is interactive.
 */
final class ProgressLine {
  private final PrintWriter err;
  private final boolean enabled;
  private long lastDraw;
  private int lastWidth;

  ProgressLine(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled && System.console() != null && System.getenv("CI") == null;
  }

  boolean enabled() {
    return enabled;
  }

  void draw(String line, boolean force) {
    long now = System.nanoTime();
    if (!enabled || (!force && now - lastDraw < 100_000_000L)) {
      return;
    }
    lastDraw = now;
    if (line.length() > 150) {
      line = line.substring(0, 150);
    }
    err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
    lastWidth = line.length();
    err.flush();
  }

  void clear() {
    if (enabled && lastWidth > 0) {
      err.print("\r" + " ".repeat(lastWidth) + "\r");
      err.flush();
      lastWidth = 0;
    }
  }

  static String bar(double fraction, int width) {
    int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
    return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "]";
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
