package dev.workq.worker.handlers;

import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;

/**
 * {@code sleep}: {@code {"ms": N}} returns {@code {"slept": N}} after N milliseconds (at most one
 * hour). A cancelled task stops sleeping at once: the worker interrupts the handler's thread.
 */
public final class SleepHandler implements TaskHandler<SleepHandler.Input, SleepHandler.Output> {

  /** The longest sleep accepted: one hour. */
  public static final long MAX_MS = 3_600_000;

  public record Input(long ms) {
    public Input {
      if (ms < 0 || ms > MAX_MS) {
        throw new IllegalArgumentException("ms must be 0.." + MAX_MS + ", got " + ms);
      }
    }
  }

  public record Output(long slept) {}

  @Override
  public String name() {
    return "sleep";
  }

  @Override
  public Class<Input> inputType() {
    return Input.class;
  }

  @Override
  public Output handle(Input input, TaskContext context) throws InterruptedException {
    Thread.sleep(input.ms());
    return new Output(input.ms());
  }
}
