package dev.workq.client;

import dev.workq.client.internal.Connection;
import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Release;

/**
 * An item pushed to a consumer. The consumer holds it until it calls exactly one of {@link #ack()},
 * {@link #complete} or {@link #release()}; if the connection closes first, the broker puts the item
 * back at the front of its queue. STOP deliveries need none of these.
 */
public final class Delivery {

  private final Connection connection;
  private final Deliver deliver;

  Delivery(Connection connection, Deliver deliver) {
    this.connection = connection;
    this.deliver = deliver;
  }

  public long tag() {
    return deliver.tag();
  }

  public String queue() {
    return deliver.queue();
  }

  public ItemKind kind() {
    return deliver.kind();
  }

  public boolean isStop() {
    return deliver.kind() == ItemKind.STOP;
  }

  public String id() {
    return deliver.id();
  }

  public String handler() {
    return deliver.handler();
  }

  /** Deliveries of this item so far, this one included. */
  public int attempts() {
    return deliver.attempts();
  }

  public Payload payload() {
    return deliver.payload();
  }

  /** Done with the item: the broker forgets it. */
  public void ack() {
    connection.send(new Ack(deliver.tag()));
  }

  /** How long the lease lasts without renewal, in ms (0 for STOP). */
  public long leaseMs() {
    return deliver.leaseMs();
  }

  /** Done with a task that succeeded: the broker removes it and puts {@code result} on its done queue. */
  public void complete(byte[] result) {
    connection.send(new Complete(deliver.tag(), true, null, false, Payload.wrap(result)));
  }

  /**
   * A task attempt failed with {@code error}. The broker retries it after a backoff unless it has
   * used its attempts or {@code permanent} says retrying cannot help; then it goes to the dead
   * letters and {@code result} to its done queue.
   */
  public void fail(String error, boolean permanent, byte[] result) {
    connection.send(new Complete(deliver.tag(), false, error, permanent, Payload.wrap(result)));
  }

  /** Gives the item back unfinished: it goes to the front of its queue. */
  public void release() {
    connection.send(new Release(deliver.tag()));
  }
}
