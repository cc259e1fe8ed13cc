package dev.ledge.ops.image;

/** The image is larger than the heap can decode (a run-time error, not an unsupported kind). */
final class ImageTooLargeException extends UnsupportedImageException {
  private static final long serialVersionUID = 1L;

  ImageTooLargeException(long width, long height, long maxPixels) {
    super(
        "the image has "
            + width
            + " x "
            + height
            + " pixels, more than the "
            + maxPixels
            + " this heap allows");
  }
}
