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
 */
public record Hello(int version, Role role, String name, String host, long pid, List<String> handlers)
    implements Message {

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
  }
}
