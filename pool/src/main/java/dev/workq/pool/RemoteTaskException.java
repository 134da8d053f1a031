package dev.workq.pool;

/**
 * An exception a task threw on a worker whose class cannot be rebuilt here (not on this
 * program's classpath, not a Throwable, or without a {@code (String)} or {@code ()} constructor):
 * it carries the remote class's name and message, and the remote frames as its stack trace.
 */
public class RemoteTaskException extends RuntimeException {

  private final String remoteType;

  public RemoteTaskException(String remoteType, String message) {
    super(message == null ? remoteType : remoteType + ": " + message);
    this.remoteType = remoteType;
  }

  /** The fully qualified class name of the exception the task threw. */
  public String remoteType() {
    return remoteType;
  }
}
