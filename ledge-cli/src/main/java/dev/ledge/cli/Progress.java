package dev.ledge.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on the error stream: count, percentage, rate and ETA. Drawn only when the
 * terminal is interactive, at most ten times a second.
 */
final class Progress {
  private final PrintWriter err;
  private final String label;
  private final long total;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long done;
  private long lastDraw;
  private int lastWidth;

  Progress(PrintWriter err, String label, long total) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.enabled = System.console() != null && System.getenv("CI") == null;
  }

  void step(String what) {
    done++;
    long now = System.nanoTime();
    if (!enabled || (now - lastDraw < 100_000_000L && done < total)) {
      return;
    }
    lastDraw = now;
    double secs = (now - start) / 1e9;
    double rate = done / Math.max(secs, 1e-9);
    long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    int width = 30;
    int filled = total == 0 ? width : (int) (width * done / total);
    String line =
        String.format(
            "%s [%s%s] %d/%d %3d%% %.1f/s ETA %ds %s",
            label,
            "#".repeat(filled),
            " ".repeat(width - filled),
            done,
            total,
            total == 0 ? 100 : 100 * done / total,
            rate,
            eta,
            what);
    if (line.length() > 120) {
      line = line.substring(0, 120);
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

  void done() {
    clear();
  }
}
