package dev.ledge.ops.nn;

/**
 * The MT19937 Mersenne Twister with the seeding and double generation of numpy's legacy {@code
 * RandomState(seed)}: a seeded Dropout then draws exactly the mask the ONNX reference
 * implementation (and hence the conformance data) draws. Not thread-safe; make one per use.
 */
final class Mt19937 {
  private static final int N = 624;
  private static final int M = 397;

  private final int[] mt = new int[N];
  private int index;

  /** A generator seeded like {@code numpy.random.RandomState(seed)}, {@code seed} in [0, 2^32). */
  Mt19937(long seed) {
    if (seed < 0 || seed > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("seed must be in [0, 2^32), got " + seed);
    }
    mt[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    index = N;
  }

  /** The next 32 random bits. */
  int nextInt() {
    if (index >= N) {
      twist();
    }
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9D2C_5680;
    y ^= (y << 15) & 0xEFC6_0000;
    y ^= y >>> 18;
    return y;
  }

  /** A double in [0, 1) with 53 random bits, as numpy's {@code random_sample}. */
  double nextDouble() {
    long a = (nextInt() & 0xFFFF_FFFFL) >>> 5;
    long b = (nextInt() & 0xFFFF_FFFFL) >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  private void twist() {
    for (int i = 0; i < N; i++) {
      int y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % N] & 0x7FFF_FFFF);
      int next = mt[(i + M) % N] ^ (y >>> 1);
      if ((y & 1) != 0) {
        next ^= 0x9908_B0DF;
      }
      mt[i] = next;
    }
    index = 0;
  }
}
