package dev.workq.protocol;

/**
 * One task's state in a {@link TaskStatusOk}. Times are wall-clock milliseconds since the epoch,
 * by the broker's clock; a field that does not apply to the state is null.
 *
 * @param state where the task is; NOT_FOUND leaves every other field but {@code id} null
 * @param priority 0 to 9, higher first
 * @param attempts deliveries so far
 * @param maxAttempts deliveries it may have before it goes to the dead letters
 * @param worker RUNNING: the connection holding it ({@code host:pid} for a Java worker)
 * @param since RUNNING: when this delivery started; READY: when it became ready; final states:
 *     when it finished
 * @param notBefore DELAYED and RETRYING: when it becomes ready
 * @param error the last attempt's error, if it failed
 * @param key the deduplication key it was put with, if any
 */
public record TaskInfo(String id, TaskState state, String queue, String handler, Integer priority, Integer attempts,
    Integer maxAttempts, String worker, Long since, Long notBefore, String error, String key) {

  /** The entry for an id the broker does not know. */
  public static TaskInfo notFound(String id) {
    return new TaskInfo(id, TaskState.NOT_FOUND, null, null, null, null, null, null, null, null, null, null);
  }
}
