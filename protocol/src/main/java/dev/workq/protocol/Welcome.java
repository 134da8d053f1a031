package dev.workq.protocol;

/**
 * The broker's answer to a valid {@link Hello} (after the authkey handshake, when the broker has a
 * key).
 *
 * @param version the protocol version in use for the rest of the session: the one the HELLO asked for
 * @param broker the broker's name and version, for logs
 * @param session a unique id for this connection
 * @param idleTimeoutMs how long the broker keeps a connection that sends nothing, in ms; clients
 *     send a PING at least every third of it. Null from brokers that do not announce it.
 * @param limits every limit the broker enforces on a peer; null from brokers before protocol 2
 */
public record Welcome(int version, String broker, String session, Long idleTimeoutMs, BrokerLimits limits)
    implements Message {

  /** A welcome that announces no limits. */
  public Welcome(int version, String broker, String session, Long idleTimeoutMs) {
    this(version, broker, session, idleTimeoutMs, null);
  }

  /** A welcome that announces no idle timeout and no limits. */
  public Welcome(int version, String broker, String session) {
    this(version, broker, session, null, null);
  }
}
