package dev.ledge.kernels;

import java.util.Optional;

/**
 * What the JVM offers for SIMD through the Vector API ({@code jdk.incubator.vector}): whether the
 * module is present, and the preferred float vector shape on this CPU. Classes of the incubator
 * module are only touched after the module is known to be in the boot layer.
 */
public final class VectorSupport {
  /** System property that forces the scalar reference kernels: {@code -Dledge.kernels=scalar}. */
  public static final String KERNELS_PROPERTY = "ledge.kernels";

  private VectorSupport() {}

  /** True if {@code jdk.incubator.vector} was added to the boot layer (--add-modules). */
  public static boolean moduleAvailable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /** True if the user forced scalar kernels with {@code -Dledge.kernels=scalar}. */
  public static boolean scalarForced() {
    return "scalar".equalsIgnoreCase(System.getProperty(KERNELS_PROPERTY, ""));
  }

  /** The preferred float species, if the Vector API is available. */
  public static Optional<Species> preferredFloatSpecies() {
    if (!moduleAvailable()) {
      return Optional.empty();
    }
    return Optional.of(Probe.preferred());
  }

  /**
   * A vector shape.
   *
   * @param name species name as the Vector API prints it
   * @param bits vector width in bits
   * @param floatLanes number of float lanes
   */
  public record Species(String name, int bits, int floatLanes) {}

  /** Loaded only when the incubator module is present. */
  private static final class Probe {
    static Species preferred() {
      var s = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
      return new Species(s.toString(), s.vectorBitSize(), s.length());
    }
  }
}
