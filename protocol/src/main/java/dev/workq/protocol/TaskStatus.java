package dev.workq.protocol;

import java.util.List;

/**
 * Asks where tasks are, by id; answered by {@link TaskStatusOk} with one entry per id, in order.
 * An id the broker does not know is answered with state NOT_FOUND, not an error.
 *
 * @param ids 1 to {@link #MAX_IDS} task ids
 */
public record TaskStatus(long corr, List<String> ids) implements Message, Request {

  /** The most ids one request may name. */
  public static final int MAX_IDS = 1000;

  public TaskStatus {
    if (ids == null || ids.isEmpty() || ids.size() > MAX_IDS) {
      throw new IllegalArgumentException("ids: 1.." + MAX_IDS + " task ids, got " + (ids == null ? 0 : ids.size()));
    }
    ids.forEach(id -> Validate.text("ids", id, 200));
    ids = List.copyOf(ids);
  }
}
