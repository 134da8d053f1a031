package dev.workq.pool;

import dev.workq.client.WorkqException;

/**
 * A task threw on its worker (or was cancelled, or lost). The message is {@code "task <id> failed
 * on <worker>: <class>: <message>"}; {@link #getCause()} is the remote exception rebuilt as its
 * own type when that class is loadable here, is a Throwable and has a {@code (String)} or
 * {@code ()} constructor, with the remote frames as its stack trace; otherwise a
 * {@link RemoteTaskException} naming the type. So {@code catch (TaskFailedException e) { if
 * (e.getCause() instanceof IllegalStateException) ... }} works as with a local call.
 */
public class TaskFailedException extends WorkqException {

  private final String taskId;
  private final String remoteType;
  private final String remoteMessage;
  private final String worker;
  private final int attempts;

  /**
   * @param taskId the failed task's id
   * @param remoteType the class name of the exception it threw
   * @param remoteMessage that exception's first message line; null for none
   * @param worker {@code host:pid} of the worker that ran it; null when the broker wrote the result
   * @param attempts runs of the task, the failed one included
   * @param cause the remote exception, rebuilt
   */
  public TaskFailedException(String taskId, String remoteType, String remoteMessage, String worker, int attempts, Throwable cause) {
    super("task " + taskId + " failed on " + (worker == null ? "no worker (the broker ended it)" : worker) + ": " + remoteType
        + (remoteMessage == null ? "" : ": " + remoteMessage), cause);
    this.taskId = taskId;
    this.remoteType = remoteType;
    this.remoteMessage = remoteMessage;
    this.worker = worker;
    this.attempts = attempts;
  }

  /** The failed task's id (for a chunk, the chunk's task). */
  public String taskId() {
    return taskId;
  }

  /** The fully qualified class name of the exception the task threw. */
  public String remoteType() {
    return remoteType;
  }

  /** The first line of that exception's message; null for none. */
  public String remoteMessage() {
    return remoteMessage;
  }

  /** {@code host:pid} of the worker that ran the task; null when the broker ended it (cancel, lost workers). */
  public String worker() {
    return worker;
  }

  /** Runs of the task, the failed one included. */
  public int attempts() {
    return attempts;
  }
}
