package dev.workq.protocol;

/**
 * Takes one item off a queue, waiting up to {@code timeoutMs} for one. Answered by a
 * {@link Deliver} with the same corr (which must then be acked) or by {@link FetchEmpty}.
 *
 * @param resultsOnly take a RESULT item only: refused with NOT_A_RESULT_QUEUE if the queue
 *     holds tasks or has workers (see {@link Consume#resultsOnly})
 */
public record Fetch(long corr, String queue, long timeoutMs, boolean resultsOnly) implements Message, Request {

  /** The longest a fetch may wait: one hour. */
  public static final long MAX_TIMEOUT_MS = 3_600_000;

  public Fetch {
    queue = Validate.queue("queue", queue);
    if (timeoutMs < 0 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException("timeoutMs must be 0.." + MAX_TIMEOUT_MS + ", got " + timeoutMs);
    }
  }

  /** A fetch of any kind of item. */
  public Fetch(long corr, String queue, long timeoutMs) {
    this(corr, queue, timeoutMs, false);
  }
}
