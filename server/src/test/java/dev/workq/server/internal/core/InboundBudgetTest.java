package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Hello;
import dev.workq.protocol.Role;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The broker-wide budget for requests read and not yet handled: past it, every connection that
 * hands one in stops reading, and all of them read again once the core has worked the total down
 * to half.
 */
class InboundBudgetTest {

  private final InboundBudget budget = new InboundBudget(1_000_000);
  private final EmbeddedChannel a = new EmbeddedChannel();
  private final EmbeddedChannel b = new EmbeddedChannel();
  private final Session sa = session(a);
  private final Session sb = session(b);

  @Test
  void connectionsStopReadingPastTheBudgetAndResumeAtHalfOfIt() {
    sa.requestQueued(600_000);
    assertTrue(a.config().isAutoRead(), "within the budget");
    sb.requestQueued(600_000);
    assertFalse(b.config().isAutoRead(), "the request that went over stops its connection");
    sa.requestQueued(100_000);
    assertFalse(a.config().isAutoRead(), "and every connection that hands one in while over");
    assertEquals(1_300_000, budget.bytes());

    sb.requestDone(600_000);
    a.runPendingTasks();
    assertFalse(a.config().isAutoRead(), "700 kB is still over half the budget");

    sa.requestDone(600_000);
    a.runPendingTasks();
    b.runPendingTasks();
    assertTrue(a.config().isAutoRead(), "100 kB: every parked connection reads again");
    assertTrue(b.config().isAutoRead());
    sa.requestDone(100_000);
    assertEquals(0, budget.bytes());
  }

  @Test
  void smallRequestsReachTheSharedTotalInStepsAndAQuietCoreFlushesWhatItHeldBack() {
    for (int i = 0; i < 100; i++) {
      sa.requestQueued(300);
    }
    assertEquals(0, budget.bytes(), "30 kB is still below a step: held back by this thread");
    for (int i = 0; i < 200; i++) {
      sa.requestQueued(300);
    }
    assertTrue(budget.bytes() >= InboundBudget.STEP && budget.bytes() <= 90_000, "moved in a step: " + budget.bytes());
    long moved = budget.bytes();
    for (int i = 0; i < 100; i++) {
      sa.requestDone(300);
    }
    assertEquals(moved, budget.bytes(), "the core holds back its small releases too");
    budget.flush();
    assertEquals(moved - 30_000, budget.bytes(), "until its tick flushes them");
  }

  private Session session(EmbeddedChannel channel) {
    return new Session(channel.id().asShortText(), new ChannelConnection(channel), new Hello(1, Role.CLIENT, "c", "h", 1, List.of()), 4096, 100, budget);
  }
}
