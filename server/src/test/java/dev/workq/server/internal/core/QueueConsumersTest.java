package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Role;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dispatch index: idle and starving consumers cost dispatch nothing; an item wakes one that can run it. */
class QueueConsumersTest {

  private final Session session = new Session("1", new ChannelConnection(new EmbeddedChannel()), new Hello(1, Role.WORKER, "w", "h", 1, List.of()),
      16, 1_000_000, new InboundBudget(1 << 20));
  private final QueueState queue = new QueueState("tasks");
  private long ids;

  @Test
  void consumersThatFindNothingForTheirHandlersLeaveTheRoundRobinUntilATaskForThemArrives() {
    List<Consumer> idle = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      idle.add(consumer(Set.of("never")));
    }
    Consumer echo = consumer(Set.of("echo"));
    // One pass starves each idle consumer once...
    for (Consumer c = queue.consumers.next(); c != null; c = queue.consumers.next()) {
      if (c != echo) {
        queue.consumers.starve(c);
      }
    }
    // ...after which dispatch sees none of them: the echo worker, re-armed, is the only one.
    queue.consumers.requeue(echo);
    assertSame(echo, queue.consumers.next());
    assertNull(queue.consumers.next());

    queue.offerLast(task("never"));

    assertSame(idle.get(0), queue.consumers.next(), "the oldest starving consumer for the handler is woken, and only it");
    assertNull(queue.consumers.next());
  }

  @Test
  void anItemAnyConsumerCanTakeWakesAStarvingOne() {
    Consumer a = consumer(Set.of("pi"));
    assertSame(a, queue.consumers.next());
    queue.consumers.starve(a);
    assertNull(queue.consumers.next());

    queue.offerLast(new Item(99, "stop", "tasks", ItemKind.STOP, null, null, 1, 1000, Payload.EMPTY));

    assertSame(a, queue.consumers.next());
  }

  @Test
  void aStarvingConsumerThatCannotTakeIsSkippedAndTheNextOneWoken() {
    Consumer a = consumer(Set.of("pi"));
    Consumer b = consumer(Set.of("pi"));
    queue.consumers.next();
    queue.consumers.next();
    queue.consumers.starve(a);
    queue.consumers.starve(b);
    a.cancelled = true;

    queue.offerLast(task("pi"));

    assertSame(b, queue.consumers.next());
    assertEquals(Consumer.Standing.IDLE, a.standing);
  }

  private Consumer consumer(Set<String> handlers) {
    Consumer c = new Consumer(++ids, session, queue, 1, handlers);
    queue.consumers.add(c);
    return c;
  }

  private Item task(String handler) {
    return new Item(++ids, "t" + ids, "tasks", ItemKind.TASK, handler, null, 1, 1000, Payload.EMPTY);
  }
}
