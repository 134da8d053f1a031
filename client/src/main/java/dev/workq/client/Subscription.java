package dev.workq.client;

import dev.workq.client.internal.Connection;
import java.util.concurrent.CompletableFuture;

/**
 * A consumer registered with {@link WorkqClient#consume}. In failover mode it outlives its
 * connection: the client re-opens it on the next broker, into the same listener, and {@link #id()}
 * stays the id the first broker gave it.
 */
public final class Subscription {

  private final Connection connection;
  private final long consumer;
  private final long timeoutMs;

  Subscription(Connection connection, long consumer, long timeoutMs) {
    this.connection = connection;
    this.consumer = consumer;
    this.timeoutMs = timeoutMs;
  }

  public long id() {
    return consumer;
  }

  /**
   * Stops further deliveries. Deliveries already held stay held until acked or released;
   * any that arrive after this call are released back to the queue automatically.
   */
  public CompletableFuture<Void> cancel() {
    return connection.cancel(consumer, timeoutMs);
  }
}
