package dev.ledge.kernels;

/**
 * A planned complex discrete Fourier transform of one length, in double precision.
 *
 * <p>{@link #forward} computes {@code X[k] = sum_n x[n] * exp(-2 pi i k n / N)} and {@link
 * #inverse} computes {@code x[n] = sum_k X[k] * exp(+2 pi i k n / N)}; neither scales, so {@code
 * inverse(forward(x)) = N * x}. Lengths that are powers of two use an iterative radix-2 FFT; any
 * other length uses Bluestein's chirp-z algorithm on top of a power-of-two FFT, so every length
 * costs O(N log N). Twiddle factors are computed directly with {@link Math#cos}/{@link Math#sin}
 * (not by recurrence), which keeps the error near the double rounding level.
 *
 * <p>A plan is immutable and may be shared between threads. Each transform needs {@link
 * #scratchSize()} doubles of scratch space for non-power-of-two lengths; the overloads without a
 * scratch argument allocate it per call.
 *
 * <pre>{@code
 * Fft fft = Fft.plan(n);
 * double[] re = ..., im = ...;   // length >= n
 * fft.forward(re, im);           // in place
 * }</pre>
 */
public final class Fft {
  /**
   * Largest length a plan accepts: 2^22. A Bluestein plan of that length works on 2^24 points and
   * holds about 400 MB of tables, which is as far as a plan should go without being asked twice.
   */
  public static final int MAX_LENGTH = 1 << 22;

  private final int n;
  // Radix-2 plan: cos/sin of 2*pi*k/size for k < size/2.
  private final int size;
  private final int bits;
  private final double[] cos;
  private final double[] sin;
  // Bluestein (only when n is not a power of two): the chirp exp(-i pi k^2 / n) and the
  // forward FFT of its conjugate, zero-extended cyclically to size.
  private final double[] chirpRe;
  private final double[] chirpIm;
  private final double[] filterRe;
  private final double[] filterIm;

  private Fft(int n) {
    this.n = n;
    boolean pow2 = Integer.bitCount(n) == 1;
    this.size = pow2 ? n : Integer.highestOneBit(2 * n - 1) << 1;
    cos = new double[size / 2];
    sin = new double[size / 2];
    for (int k = 0; k < size / 2; k++) {
      double angle = 2 * Math.PI * k / size;
      cos[k] = Math.cos(angle);
      sin[k] = Math.sin(angle);
    }
    bits = Integer.numberOfTrailingZeros(size);
    if (pow2) {
      chirpRe = chirpIm = filterRe = filterIm = null;
      return;
    }
    chirpRe = new double[n];
    chirpIm = new double[n];
    for (int k = 0; k < n; k++) {
      // k^2 mod 2n keeps the angle small, so it stays exact for large k.
      long k2 = ((long) k * k) % (2L * n);
      double angle = Math.PI * k2 / n;
      chirpRe[k] = Math.cos(angle);
      chirpIm[k] = -Math.sin(angle);
    }
    filterRe = new double[size];
    filterIm = new double[size];
    filterRe[0] = chirpRe[0];
    filterIm[0] = -chirpIm[0];
    for (int k = 1; k < n; k++) {
      filterRe[k] = filterRe[size - k] = chirpRe[k];
      filterIm[k] = filterIm[size - k] = -chirpIm[k];
    }
    radix2(filterRe, 0, filterIm, 0, false);
  }

  /**
   * A plan for transforms of length {@code n}.
   *
   * @throws IllegalArgumentException if {@code n} is not in {@code 1..}{@link #MAX_LENGTH}
   */
  public static Fft plan(int n) {
    if (n < 1 || n > MAX_LENGTH) {
      throw new IllegalArgumentException("FFT length must be in 1.." + MAX_LENGTH + ", got " + n);
    }
    return new Fft(n);
  }

  /** The transform length N. */
  public int length() {
    return n;
  }

  /** Doubles of scratch space a transform needs (0 for powers of two). */
  public int scratchSize() {
    return chirpRe == null ? 0 : 2 * size;
  }

  /** In-place forward transform of {@code re[0..N)}, {@code im[0..N)}. */
  public void forward(double[] re, double[] im) {
    transform(re, im, false, new double[scratchSize()]);
  }

  /** In-place unscaled inverse transform of {@code re[0..N)}, {@code im[0..N)}. */
  public void inverse(double[] re, double[] im) {
    transform(re, im, true, new double[scratchSize()]);
  }

  /**
   * In-place transform of {@code re[0..N)}, {@code im[0..N)} using caller-provided scratch of at
   * least {@link #scratchSize()} doubles (its contents are overwritten).
   *
   * @param inverse false for the forward transform (exponent sign -), true for the unscaled inverse
   */
  public void transform(double[] re, double[] im, boolean inverse, double[] scratch) {
    if (re.length < n || im.length < n) {
      throw new IllegalArgumentException(
          "FFT of length " + n + " needs arrays of at least " + n + " elements");
    }
    if (chirpRe == null) {
      radix2(re, 0, im, 0, inverse);
      return;
    }
    if (scratch.length < 2 * size) {
      throw new IllegalArgumentException(
          "FFT of length " + n + " needs " + 2 * size + " doubles of scratch");
    }
    bluestein(re, im, inverse, scratch);
  }

  /**
   * Iterative radix-2 decimation-in-time FFT, in place, of the {@code size} values with real parts
   * at {@code re[reOff..]} and imaginary parts at {@code im[imOff..]} (the two may share an array).
   */
  private void radix2(double[] re, int reOff, double[] im, int imOff, boolean inverse) {
    for (int i = 0; i < size; i++) {
      int j = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
      if (j > i) {
        double t = re[reOff + i];
        re[reOff + i] = re[reOff + j];
        re[reOff + j] = t;
        t = im[imOff + i];
        im[imOff + i] = im[imOff + j];
        im[imOff + j] = t;
      }
    }
    double sign = inverse ? 1 : -1;
    for (int half = 1; half < size; half <<= 1) {
      int step = size / (2 * half);
      for (int start = 0; start < size; start += 2 * half) {
        for (int k = 0; k < half; k++) {
          double wr = cos[k * step];
          double wi = sign * sin[k * step];
          int a = start + k;
          int b = a + half;
          double br = re[reOff + b];
          double bi = im[imOff + b];
          double xr = br * wr - bi * wi;
          double xi = br * wi + bi * wr;
          re[reOff + b] = re[reOff + a] - xr;
          im[imOff + b] = im[imOff + a] - xi;
          re[reOff + a] += xr;
          im[imOff + a] += xi;
        }
      }
    }
  }

  /**
   * Bluestein: X[k] = w[k] * sum_j (x[j] w[j]) conj(w[k - j]) with w[k] = exp(-i pi k^2 / n), a
   * convolution done with power-of-two FFTs. The inverse uses inverse(x) = conj(forward(conj(x))).
   */
  private void bluestein(double[] re, double[] im, boolean inverse, double[] scratch) {
    double conj = inverse ? -1 : 1;
    // scratch holds the padded sequence: real parts in [0, size), imaginary parts in [size, 2size)
    for (int k = 0; k < n; k++) {
      double xr = re[k];
      double xi = conj * im[k];
      scratch[k] = xr * chirpRe[k] - xi * chirpIm[k];
      scratch[size + k] = xr * chirpIm[k] + xi * chirpRe[k];
    }
    java.util.Arrays.fill(scratch, n, size, 0);
    java.util.Arrays.fill(scratch, size + n, 2 * size, 0);
    radix2(scratch, 0, scratch, size, false);
    for (int k = 0; k < size; k++) {
      double ar = scratch[k];
      double ai = scratch[size + k];
      scratch[k] = ar * filterRe[k] - ai * filterIm[k];
      scratch[size + k] = ar * filterIm[k] + ai * filterRe[k];
    }
    radix2(scratch, 0, scratch, size, true);
    double scale = 1.0 / size;
    for (int k = 0; k < n; k++) {
      double cr = scratch[k] * scale;
      double ci = scratch[size + k] * scale;
      re[k] = cr * chirpRe[k] - ci * chirpIm[k];
      im[k] = conj * (cr * chirpIm[k] + ci * chirpRe[k]);
    }
  }
}
