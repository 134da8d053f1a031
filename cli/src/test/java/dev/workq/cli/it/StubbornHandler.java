package dev.workq.cli.it;

import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;

/**
 * {@code stubborn}: {@code {"ms": N}} runs N ms and ignores being cancelled (it swallows interrupts
 * and never looks at its context), as a handler stuck in uninterruptible code would. Found by
 * ServiceLoader on the test classpath.
 */
public final class StubbornHandler implements TaskHandler<StubbornHandler.Input, String> {

  public record Input(long ms) {}

  @Override
  public String name() {
    return "stubborn";
  }

  @Override
  public Class<Input> inputType() {
    return Input.class;
  }

  @Override
  public String handle(Input input, TaskContext context) {
    long end = System.nanoTime() + input.ms() * 1_000_000;
    while (System.nanoTime() < end) {
      try {
        Thread.sleep(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        // Ignored on purpose: this handler does not stop when told.
      }
    }
    return "finished";
  }
}
