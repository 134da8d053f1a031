package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Puts one item on a queue; answered by {@link PutOk} or {@link ErrorReply} with the same corr.
 *
 * @param corr request id chosen by the sender, echoed in the answer
 * @param queue the queue, created on first use
 * @param kind TASK, STOP or DATA (RESULT items are made by the broker from {@link Complete})
 * @param id item id; when null the broker assigns one
 * @param handler the handler name, for tasks
 * @param replyTo the queue a task's result goes to; null means {@code <queue>.done}
 * @param payload the item's bytes (JSON by convention), not parsed by the broker
 */
@JsonIgnoreProperties({"payload"})
public record Put(long corr, String queue, ItemKind kind, String id, String handler, String replyTo,
    Payload payload) implements Message, PayloadMessage {

  public Put {
    queue = Validate.queue("queue", queue);
    if (kind == null || kind == ItemKind.RESULT) {
      throw new IllegalArgumentException("kind must be TASK, STOP or DATA, got " + kind);
    }
    if (id != null) {
      id = Validate.text("id", id, 200);
    }
    if (kind == ItemKind.TASK) {
      handler = Validate.name("handler", handler);
    }
    if (replyTo != null) {
      replyTo = Validate.queue("replyTo", replyTo);
    }
    payload = payload == null ? Payload.EMPTY : payload;
  }

  @Override
  public Put withPayload(Payload payload) {
    return new Put(corr, queue, kind, id, handler, replyTo, payload);
  }
}
