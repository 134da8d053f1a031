package dev.workq.protocol;

/**
 * A message that carries an opaque payload after its JSON header. The codec writes the header
 * without the payload and reattaches the payload on decode, so a broker can forward payload bytes
 * it never parses.
 */
public interface PayloadMessage {

  Payload payload();

  /** A copy of this message carrying {@code payload}. */
  Message withPayload(Payload payload);
}
