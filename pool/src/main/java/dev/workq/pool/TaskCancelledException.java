package dev.workq.pool;

/**
 * The task was cancelled before it finished: by {@link WorkqPool#terminate()} or {@code close()},
 * {@link AsyncResult#cancel()}, closing a {@link PoolIterator}, or a failed blocking call that
 * cancelled its other tasks.
 */
public class TaskCancelledException extends TaskFailedException {

  public TaskCancelledException(String taskId, String reason, String worker, int attempts, Throwable cause) {
    super(taskId, "dev.workq.Cancelled", reason, worker, attempts, cause);
  }
}
