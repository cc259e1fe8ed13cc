package dev.ledge.ops.image;

/** A well-formed image of a kind Ledge does not decode exactly (checked by the decoders). */
class UnsupportedImageException extends Exception {
  private static final long serialVersionUID = 1L;

  UnsupportedImageException(String message) {
    super(message);
  }
}
