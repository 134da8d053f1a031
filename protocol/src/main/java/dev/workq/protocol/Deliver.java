package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An item handed to a consumer ({@code consumer} set, {@code corr} 0) or as the answer to a
 * {@link Fetch} ({@code corr} set, {@code consumer} 0). The receiver holds it until it sends
 * {@link Ack}, {@link Complete} or {@link Release} with {@code tag}; if its connection closes first,
 * the item goes back to the front of its queue.
 *
 * @param tag the delivery's id and lease token. Not reused across broker restarts: the high bits
 *     are the broker's epoch (counted in the journal, random without one), so a result sent with the tag of a
 *     lease that expired or of an earlier broker run is recognised as stale and rejected
 * @param attempts how many times this item has been delivered, this delivery included
 * @param leaseMs how long the lease lasts without a {@link Renew}; 0 for items that are not
 *     leased (STOP)
 */
@JsonIgnoreProperties({"payload"})
public record Deliver(long corr, long consumer, long tag, String queue, ItemKind kind, String id,
    String handler, String replyTo, int attempts, long leaseMs, Payload payload)
    implements Message, PayloadMessage {

  public Deliver {
    payload = payload == null ? Payload.EMPTY : payload;
  }

  @Override
  public Deliver withPayload(Payload payload) {
    return new Deliver(corr, consumer, tag, queue, kind, id, handler, replyTo, attempts, leaseMs, payload);
  }
}
