package dev.ledge.runtime;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Time and allocation per operator type, collected when {@link SessionOptions#profile(boolean)} is
 * on. Costs two clock reads and two allocation-counter reads per node, so leave it off when
 * measuring latency.
 */
public final class Profile {
  private static final com.sun.management.ThreadMXBean MX =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Totals for one operator type.
   *
   * @param opType the op type (domain-qualified outside ai.onnx)
   * @param calls nodes executed
   * @param nanos wall time spent in their kernels
   * @param bytes bytes allocated by the calling thread in their kernels
   */
  public record Entry(String opType, long calls, long nanos, long bytes) {}

  private final Map<String, long[]> totals = new HashMap<>();

  long now() {
    return System.nanoTime();
  }

  long allocated() {
    return MX.getCurrentThreadAllocatedBytes();
  }

  void add(String op, long nanos, long bytes) {
    long[] t = totals.computeIfAbsent(op, k -> new long[3]);
    t[0]++;
    t[1] += nanos;
    t[2] += bytes;
  }

  /** Entries sorted by time, largest first. */
  public List<Entry> entries() {
    List<Entry> r = new ArrayList<>();
    totals.forEach((k, v) -> r.add(new Entry(k, v[0], v[1], v[2])));
    r.sort(Comparator.comparingLong(Entry::nanos).reversed());
    return r;
  }

  /** Clears the totals. */
  public void reset() {
    totals.clear();
  }
}
