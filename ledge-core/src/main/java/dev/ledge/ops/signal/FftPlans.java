package dev.ledge.ops.signal;

import dev.ledge.kernels.Fft;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The most recently used {@link Fft} plan of one kernel, so that runs with an unchanged transform
 * length do not recompute twiddle tables. Plans are immutable, so sharing one between sessions and
 * threads is safe; a length change simply replaces it.
 */
final class FftPlans {
  private final AtomicReference<Fft> last = new AtomicReference<>();

  /** A plan for length {@code n} (1 .. {@link Fft#MAX_LENGTH}). */
  Fft plan(int n) {
    Fft p = last.get();
    if (p == null || p.length() != n) {
      p = Fft.plan(n);
      last.set(p);
    }
    return p;
  }
}
