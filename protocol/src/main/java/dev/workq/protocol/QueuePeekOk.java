package dev.workq.protocol;

import java.util.List;

/**
 * The answer to {@link QueuePeek}: up to {@code limit} ready items in delivery order, then
 * delayed ones by the time they become ready.
 *
 * @param ready ready items in the queue, all of them, not only those listed
 * @param delayed delayed items in the queue
 */
public record QueuePeekOk(long corr, String queue, long ready, long delayed, List<PeekedItem> items) implements Message, Reply {

  public QueuePeekOk {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
