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
}
