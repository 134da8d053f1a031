package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.worker.WorkerException;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import org.junit.jupiter.api.Test;

/** The worker's handlers obey the rule the broker applies to HELLO and CONSUME: queue-name rules. */
class HandlerNameTest {

  private static TaskHandler<String, String> named(String name) {
    return new TaskHandler<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Class<String> inputType() {
        return String.class;
      }

      @Override
      public String handle(String input, TaskContext context) {
        return input;
      }
    };
  }

  @Test
  void aGoodNameIsKept() {
    assertEquals("images.resize:v2", HandlerRegistry.checkName(named("images.resize:v2")));
  }

  @Test
  void aNameWithEscOrANewlineOrASpaceIsRefusedNamingTheRule() {
    for (String bad : new String[] {"a\u001b[31m", "two\nlines", "with space", ""}) {
      WorkerException e = assertThrows(WorkerException.class, () -> HandlerRegistry.checkName(named(bad)));
      assertTrue(e.getMessage().contains("has an invalid name: handler name"), e.getMessage());
      assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), "escaped: " + e.getMessage());
    }
  }

  @Test
  void theBuiltInHandlersAllPass() {
    assertTrue(HandlerRegistry.load(java.util.List.of(), true).names().contains("exec"));
  }
}
