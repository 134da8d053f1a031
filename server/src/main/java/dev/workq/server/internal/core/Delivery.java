package dev.workq.server.internal.core;

/**
 * An item handed to a connection and not yet acked, completed or released: a lease. The tag is
 * the lease token. Core thread only.
 */
final class Delivery {

  final long tag;
  final Item item;
  final QueueState queue;
  final Consumer consumer;
  final Session session;
  /** System.nanoTime() after which the lease has expired unless renewed. */
  long expiresAt;
  /** System.nanoTime() when it was delivered. */
  final long startedAt;
  /** This delivery's slot in the broker's {@link LeaseHeap}; -1 when not in it. */
  int heapIndex = -1;

  Delivery(long tag, Item item, QueueState queue, Consumer consumer, Session session, long now) {
    this.tag = tag;
    this.item = item;
    this.queue = queue;
    this.consumer = consumer;
    this.session = session;
    this.startedAt = now;
    item.delivery = this;
    renew(now);
  }

  void renew(long now) {
    expiresAt = now + item.leaseMs * 1_000_000;
  }
}
