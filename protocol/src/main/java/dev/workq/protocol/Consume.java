package dev.workq.protocol;

/**
 * Subscribes to a queue: the broker pushes {@link Deliver} messages while this consumer holds
 * fewer than {@code prefetch} unfinished deliveries (credit-based flow control).
 */
public record Consume(long corr, String queue, int prefetch) implements Message, Request {

  /** The largest prefetch a consumer may ask for. */
  public static final int MAX_PREFETCH = 65_536;

  public Consume {
    queue = Validate.queue("queue", queue);
    if (prefetch < 1 || prefetch > MAX_PREFETCH) {
      throw new IllegalArgumentException("prefetch must be 1.." + MAX_PREFETCH + ", got " + prefetch);
    }
  }
}
