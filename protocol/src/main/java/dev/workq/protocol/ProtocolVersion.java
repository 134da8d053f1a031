package dev.workq.protocol;

/**
 * The protocol versions this build speaks. A peer asks for one in its {@link Hello}; the broker
 * answers in its {@link Welcome} with the same version, or refuses the HELLO with
 * UNSUPPORTED_VERSION. Version 1 is JSON headers, one message per frame; version 2 has binary
 * layouts for the hot messages and several messages per frame (docs/PROTOCOL.md).
 */
public final class ProtocolVersion {

  /** The version this build's clients and workers ask for. */
  public static final int CURRENT = 2;
  /** The oldest version the broker still serves (version 1 is served until a documented removal). */
  public static final int OLDEST = 1;
  /** JSON headers, one message per frame. */
  public static final int V1 = 1;
  /** Binary hot messages and several messages per frame. */
  public static final int V2 = 2;

  private ProtocolVersion() {}

  /**
   * {@code version}, if this build speaks it.
   *
   * @throws IllegalArgumentException if it does not
   */
  public static int require(int version) {
    if (!isSupported(version)) {
      throw new IllegalArgumentException("unsupported protocol version " + version + "; this build speaks "
          + OLDEST + " to " + CURRENT);
    }
    return version;
  }

  /** Whether this build speaks {@code version}. */
  public static boolean isSupported(int version) {
    return version >= OLDEST && version <= CURRENT;
  }
}
