package dev.workq.protocol;

import java.util.List;

/**
 * The first message a peer sends. Nothing else is accepted before it.
 *
 * @param version protocol version, {@link ProtocolVersion#CURRENT}
 * @param role client or worker
 * @param name free-form name of the peer, for stats and logs
 * @param host the peer's host name
 * @param pid the peer's process id
 * @param handlers handler names a worker offers (empty for clients); each follows the queue-name
 *     rules ({@link Validate#name}), so a name is safe in logs, stats and terminals
 * @param features behaviours the peer opts into, by name (at most {@value #MAX_FEATURES}, each
 *     following the queue-name rules); a broker ignores names it does not know, so a peer may send
 *     them to any broker. Today: {@link #STOP_ACK}
 */
public record Hello(int version, Role role, String name, String host, long pid, List<String> handlers, List<String> features)
    implements Message {

  /**
   * The peer acks the STOP deliveries it takes, once it acts on them: the broker holds such a STOP
   * until then and gives it back to its queue if the peer is lost first. Without it a STOP is
   * consumed when it is delivered, as before this feature, so an older worker that never acks
   * does not hand its STOP on to the next worker when it exits.
   */
  public static final String STOP_ACK = "stopAck";
  /** The most feature names a HELLO may carry. */
  public static final int MAX_FEATURES = 32;

  public Hello {
    if (role == null) {
      throw new IllegalArgumentException("role is required");
    }
    name = Validate.text("name", name == null ? "" : name, 256);
    host = Validate.text("host", host == null ? "" : host, 256);
    handlers = handlers == null ? List.of() : List.copyOf(handlers);
    if (handlers.size() > 1024) {
      throw new IllegalArgumentException("handlers: at most 1024, got " + handlers.size());
    }
    handlers.forEach(h -> Validate.name("handlers", h));
    features = features == null ? List.of() : List.copyOf(features);
    if (features.size() > MAX_FEATURES) {
      throw new IllegalArgumentException("features: at most " + MAX_FEATURES + ", got " + features.size());
    }
    features.forEach(f -> Validate.name("features", f));
  }

  /** A HELLO that opts into no feature. */
  public Hello(int version, Role role, String name, String host, long pid, List<String> handlers) {
    this(version, role, name, host, pid, handlers, List.of());
  }

  /** Whether the peer opted into {@code feature}. */
  public boolean has(String feature) {
    return features.contains(feature);
  }
}
