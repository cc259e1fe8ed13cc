package dev.ledge.train.data;

/** Ready-made {@link Augmentation}s. */
public final class Augmentations {
  private Augmentations() {}

  /**
   * Shifts an image ({@code [..., H, W]}) by a whole number of pixels in [-max, max] along each of
   * H and W, filling with zeros: the classic MNIST augmentation.
   */
  public static Augmentation randomShift(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max shift must be >= 0, got " + max);
    }
    return (s, off, shape, rng) -> {
      if (shape.length < 2 || max == 0) {
        return;
      }
      int h = shape[shape.length - 2];
      int w = shape[shape.length - 1];
      int planes = 1;
      for (int i = 0; i < shape.length - 2; i++) {
        planes *= shape[i];
      }
      int dy = rng.nextInt(2 * max + 1) - max;
      int dx = rng.nextInt(2 * max + 1) - max;
      if (dy == 0 && dx == 0) {
        return;
      }
      float[] plane = new float[h * w];
      for (int p = 0; p < planes; p++) {
        int base = off + p * h * w;
        System.arraycopy(s, base, plane, 0, h * w);
        for (int y = 0; y < h; y++) {
          int sy = y - dy;
          for (int x = 0; x < w; x++) {
            int sx = x - dx;
            s[base + y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? plane[sy * w + sx] : 0f;
          }
        }
      }
    };
  }

  /** Adds Gaussian noise of standard deviation {@code sigma} to every element. */
  public static Augmentation gaussianNoise(double sigma) {
    return (s, off, shape, rng) -> {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      for (int i = 0; i < n; i++) {
        s[off + i] += (float) (rng.nextGaussian() * sigma);
      }
    };
  }
}
