package dev.workq.cli;

/** A command failed for a reason it has put in one line; {@link #status()} is the exit status. */
public final class CliFailure extends RuntimeException {

  private final int status;

  public CliFailure(String message) {
    this(message, 1);
  }

  public CliFailure(String message, int status) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
