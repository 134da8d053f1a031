package dev.workq.client;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Json;
import dev.workq.protocol.Payload;
import java.io.IOException;

/**
 * An item taken off a queue with {@link WorkqClient#get}: a value put with {@code put}, a task, a
 * result or a STOP sentinel.
 */
public record QueueItem(String queue, ItemKind kind, String id, String handler, int attempts, Payload payload) {

  /** True for the STOP sentinel, as in {@code iter(queue.get, 'STOP')}. */
  public boolean isStop() {
    return kind == ItemKind.STOP;
  }

  /** The payload mapped to {@code type} with Jackson. */
  public <T> T as(Class<T> type) {
    try {
      return Json.mapper().readValue(payload.bytes(), type);
    } catch (IOException e) {
      throw new WorkqException("item " + id + " on '" + queue + "' is not a " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** The item as a task result record (for items of done queues). */
  public TaskResult asResult() {
    return TaskResult.parse(payload);
  }
}
