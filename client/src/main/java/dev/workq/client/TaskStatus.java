package dev.workq.client;

import java.time.Instant;

/**
 * Where one task is, as {@link WorkqClient#status(String)} reports it. Times are the broker's
 * clock. A field that does not apply to the state is null; for NOT_FOUND every field but
 * {@code id} and {@code state} is null.
 *
 * @param id the task's id
 * @param state where it is
 * @param queue the queue it was put on
 * @param handler the handler it is for
 * @param priority 0 to 9, higher first
 * @param attempts deliveries so far
 * @param maxAttempts deliveries it may have before it goes to the dead letters
 * @param worker RUNNING: the worker holding it ({@code host:pid} for a Java worker)
 * @param since RUNNING: when this delivery started; READY: when it became ready; DONE, DEAD,
 *     CANCELLED: when it finished
 * @param notBefore DELAYED and RETRYING: when it becomes ready
 * @param error the last attempt's error, if it failed
 * @param key the deduplication key it was put with, if any
 */
public record TaskStatus(String id, TaskState state, String queue, String handler, Integer priority, Integer attempts,
    Integer maxAttempts, String worker, Instant since, Instant notBefore, String error, String key) {

  /** Whether the broker knows the task. */
  public boolean found() {
    return state != TaskState.NOT_FOUND;
  }
}
