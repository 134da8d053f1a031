package dev.workq.client;

import dev.workq.protocol.ItemKind;
import java.time.Instant;

/**
 * One item of a {@link PeekResult}, still on its queue.
 *
 * @param id the item's id
 * @param kind TASK, DATA, RESULT or STOP
 * @param handler the handler, for a task
 * @param priority 0 to 9
 * @param state READY, or DELAYED / RETRYING with {@code notBefore}
 * @param attempts deliveries so far
 * @param notBefore when a delayed or retrying item becomes ready (the broker's clock); else null
 * @param bytes the payload's length
 * @param preview the payload's first {@value dev.workq.protocol.PeekedItem#PREVIEW_BYTES} bytes as text
 */
public record PeekedItem(String id, ItemKind kind, String handler, int priority, TaskState state, int attempts,
    Instant notBefore, int bytes, String preview) {}
