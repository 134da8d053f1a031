package dev.workq.client;

import java.util.List;

/**
 * The first items a queue would hand out, as {@link WorkqClient#peek(String, int)} lists them
 * without taking them: ready items in delivery order (priority, then arrival), then delayed ones
 * by the time they become ready.
 *
 * @param queue the queue
 * @param ready ready items in the queue, all of them, not only those listed
 * @param delayed delayed items in the queue
 * @param items the items listed, at most the number asked for
 */
public record PeekResult(String queue, long ready, long delayed, List<PeekedItem> items) {

  public PeekResult {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
