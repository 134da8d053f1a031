package dev.workq.worker.api;

/** What a handler may know about the task it runs. */
public interface TaskContext {

  /** The task's id. */
  String taskId();

  /** The queue the task came from. */
  String queue();

  /** How many times the task has been delivered, this time included: more than 1 means a retry. */
  int attempts();

  /** {@code host:pid} of this worker. */
  String worker();

  /**
   * Whether the task was cancelled while it ran ({@code workq cancel ID}): stop as soon as you can
   * and return or throw anything; the result is thrown away, nothing is sent for the task. When it
   * is cancelled, its {@link #onCancel} actions run, then the thread running the handler is
   * interrupted, so blocking calls that honour interrupts ({@link Thread#sleep},
   * {@link Process#waitFor}, NIO channels) end at once. A handler still running
   * {@link dev.workq.worker.WorkerOptions#cancelGrace()} (default 10 s) after the cancel is
   * abandoned: the worker stops waiting for it and runs its next task in its place.
   */
  default boolean cancelled() {
    return false;
  }

  /**
   * Runs {@code action} once when the task is cancelled, or at once if it already is: for a
   * handler blocked somewhere an interrupt does not reach (a socket read, a remote job to call
   * off). It runs on a worker thread that is not the handler's; it must not block for long.
   * Actions registered by a finished handler never run.
   */
  default void onCancel(Runnable action) {}
}
