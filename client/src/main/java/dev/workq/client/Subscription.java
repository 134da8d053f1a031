package dev.workq.client;

import dev.workq.client.internal.Connection;
import dev.workq.protocol.Cancel;
import java.util.concurrent.CompletableFuture;

/** A consumer registered with {@link WorkqClient#consume}. */
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
    connection.removeConsumer(consumer);
    return connection.request(corr -> new Cancel(corr, consumer), timeoutMs).thenApply(m -> null);
  }
}
