package dev.workq.protocol;

import java.util.List;

/**
 * Subscribes to a queue: the broker pushes {@link Deliver} messages while this consumer holds
 * fewer than {@code prefetch} unfinished deliveries (credit-based flow control).
 *
 * @param handlers for a worker, the handlers this consumer runs: it is handed only tasks for
 *     them (and non-task items). Null falls back to the handlers of the worker's HELLO; a plain
 *     client's consumer takes every item whatever it says. At most {@link #MAX_HANDLERS}.
 * @param resultsOnly the consumer takes RESULT items only: refused with NOT_A_RESULT_QUEUE if
 *     the queue holds tasks or has workers, so a queue name missing its {@code .done} takes
 *     nothing
 */
public record Consume(long corr, String queue, int prefetch, List<String> handlers, boolean resultsOnly)
    implements Message, Request {

  /** The largest prefetch a consumer may ask for. */
  public static final int MAX_PREFETCH = 65_536;
  /** The most handler names one consumer may offer. */
  public static final int MAX_HANDLERS = 1024;

  public Consume {
    queue = Validate.queue("queue", queue);
    if (prefetch < 1 || prefetch > MAX_PREFETCH) {
      throw new IllegalArgumentException("prefetch must be 1.." + MAX_PREFETCH + ", got " + prefetch);
    }
    if (handlers != null) {
      if (handlers.size() > MAX_HANDLERS) {
        throw new IllegalArgumentException("handlers: at most " + MAX_HANDLERS + ", got " + handlers.size());
      }
      handlers.forEach(h -> Validate.name("handlers", h));
      handlers = List.copyOf(handlers);
    }
  }

  /** A consumer of every kind of item. */
  public Consume(long corr, String queue, int prefetch, List<String> handlers) {
    this(corr, queue, prefetch, handlers, false);
  }

  /** A consumer that names no handlers of its own. */
  public Consume(long corr, String queue, int prefetch) {
    this(corr, queue, prefetch, null, false);
  }
}
