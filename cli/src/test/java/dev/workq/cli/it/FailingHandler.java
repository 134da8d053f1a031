package dev.workq.cli.it;

import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;

/** {@code fail}: always throws, with the payload's message. Found by ServiceLoader on the test classpath. */
public final class FailingHandler implements TaskHandler<FailingHandler.Input, Void> {

  public record Input(String message) {}

  @Override
  public String name() {
    return "fail";
  }

  @Override
  public Class<Input> inputType() {
    return Input.class;
  }

  @Override
  public Void handle(Input input, TaskContext context) {
    throw new IllegalStateException(input.message());
  }
}
