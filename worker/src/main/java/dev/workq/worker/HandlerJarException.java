package dev.workq.worker;

/**
 * A handler jar the worker was given cannot offer any handler: it is missing, unreadable, not a
 * jar, or lists no {@code META-INF/services/dev.workq.worker.api.TaskHandler}. A usage error,
 * found before the worker connects; the message is one line naming the jar.
 */
public final class HandlerJarException extends WorkerException {

  public HandlerJarException(String message) {
    super(message);
  }
}
