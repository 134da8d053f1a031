package dev.workq.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** On a target that queues what it is handed and runs it when the test says: hand-overs are countable. */
class BurstExecutorTest {

  private final Queue<Runnable> handedOver = new ArrayDeque<>();
  private final List<RuntimeException> failures = new ArrayList<>();
  private final BurstExecutor bursts = new BurstExecutor(handedOver::add, (task, e) -> failures.add(e));

  @Test
  void aBurstIsOneHandOverAndRunsInOrderPastAFailingTask() {
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      bursts.execute(() -> {
        if (n == 50) {
          throw new IllegalStateException("fails");
        }
        ran.add(n);
      });
    }
    assertEquals(1, handedOver.size(), "a hundred tasks, one drain handed to the target");
    handedOver.poll().run();
    assertEquals(99, ran.size());
    assertEquals(49, ran.get(49));
    assertEquals(51, ran.get(50));
    assertEquals(1, failures.size());
    bursts.execute(() -> ran.add(100));
    assertEquals(1, handedOver.size(), "after the drain, the next task hands over a new one");
  }

  @Test
  void anErrorLeavesTheDrainButTheNextTaskIsStillRun() {
    bursts.execute(() -> {
      throw new AssertionError("an Error is not swallowed");
    });
    assertThrows(AssertionError.class, () -> handedOver.poll().run());
    List<String> ran = new ArrayList<>();
    bursts.execute(() -> ran.add("after"));
    assertEquals(1, handedOver.size());
    handedOver.poll().run();
    assertEquals(List.of("after"), ran);
  }

  @Test
  void stopHandsBackWhatHasNotRun() {
    bursts.execute(() -> { });
    bursts.execute(() -> { });
    assertEquals(2, bursts.stop().size());
    handedOver.poll().run();
    assertTrue(bursts.isEmpty());
  }
}
