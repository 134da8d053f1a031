package dev.workq.protocol;

import java.util.List;

/** The answer to {@link TaskStatus}: one entry per id asked for, in the same order. */
public record TaskStatusOk(long corr, List<TaskInfo> tasks) implements Message, Reply {

  public TaskStatusOk {
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
  }
}
