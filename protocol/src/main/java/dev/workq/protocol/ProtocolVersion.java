package dev.workq.protocol;

/** The protocol version a peer announces in its {@link Hello}; the broker accepts only this one. */
public final class ProtocolVersion {

  /** The version this build speaks. Bumped on any incompatible change to docs/PROTOCOL.md. */
  public static final int CURRENT = 1;

  private ProtocolVersion() {}
}
