package dev.workq.client.internal;

import dev.workq.protocol.Role;
import java.util.List;

/**
 * Who a connection says it is in its HELLO, and the handlers its consumers offer. Plain clients
 * are {@link #client}; only the worker runtime, through {@code dev.workq.client.spi}, connects as
 * a {@link #worker}.
 *
 * @param handlers sent with each CONSUME of a worker; null for a client, whose consumers take anything
 */
public record Identity(Role role, String name, List<String> handlers) {

  public Identity {
    handlers = handlers == null ? null : List.copyOf(handlers);
  }

  public static Identity client(String name) {
    return new Identity(Role.CLIENT, name, null);
  }

  public static Identity worker(String name, List<String> handlers) {
    if (handlers == null) {
      throw new IllegalArgumentException("handlers must not be null");
    }
    return new Identity(Role.WORKER, name, handlers);
  }
}
