package dev.ledge.ops;

/** A group of related operators that registers itself (one per ops sub-package). */
@FunctionalInterface
public interface OperatorFamily {
  void register(OperatorRegistry registry);
}
