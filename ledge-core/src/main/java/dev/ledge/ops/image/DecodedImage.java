package dev.ledge.ops.image;

/**
 * Decoded 8-bit pixels, row-major and channel-last.
 *
 * @param width columns
 * @param height rows
 * @param channels 1 (gray) or 3 (R, G, B)
 * @param samples {@code height * width * channels} samples
 */
record DecodedImage(int width, int height, int channels, byte[] samples) {}
