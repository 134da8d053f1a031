package dev.workq.protocol;

/**
 * Asks for a {@link StatsReply}: one page of it. The broker answers with as many queues (by name)
 * and then workers as fit its page budget, and a {@link StatsReply#next()} cursor while more
 * remain; send that back as {@code cursor} for the next page.
 *
 * @param cursor null for the first page, else the previous page's {@code next}, unchanged
 */
public record StatsRequest(long corr, String cursor) implements Message, Request {

  /** The longest cursor accepted: a queue name or session id and a one-letter tag. */
  public static final int MAX_CURSOR = Validate.MAX_QUEUE_NAME + 1;

  public StatsRequest {
    if (cursor != null) {
      cursor = Validate.text("cursor", cursor, MAX_CURSOR);
    }
  }

  /** The first page. */
  public StatsRequest(long corr) {
    this(corr, null);
  }
}
