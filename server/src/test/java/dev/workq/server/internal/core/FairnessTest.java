package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Consume;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Who gets what, on the {@link Dispatcher} alone (with the queues it reads): round robin between
 * consumers with credit, prefetch, handler routing and consumers that starve for their handlers.
 */
class FairnessTest {

  private static final CoreConfig CONFIG = CoreHarness.config(3, 60_000, 100, 1_000);
  private final FakeClock clock = new FakeClock();
  private final Budgets budgets = new Budgets(CONFIG);
  private final Persistence persistence = Persistence.inMemory();
  private final Queues queues = new Queues(budgets, persistence, new RetryHeap());
  private final LeaseHeap leases = new LeaseHeap();
  private final Dispatcher dispatcher = new Dispatcher(1, queues, leases, budgets, persistence, clock, clock);
  private final List<Worker> deliveredTo = new ArrayList<>();
  private long seq;

  /** A worker connection; its deliveries are also recorded, in order, in {@link #deliveredTo}. */
  private final class Worker implements Connection {
    final String name;
    final Session session;
    final List<Deliver> got = new ArrayList<>();

    Worker(String name, String... handlers) {
      this.name = name;
      this.session = new Session(name, this, new Hello(1, Role.WORKER, name, "test", 1, List.of(handlers)), 1024, 1024,
          new InboundBudget(1 << 20));
    }

    @Override
    public void send(dev.workq.protocol.Message m) {
      if (m instanceof Deliver d) {
        got.add(d);
        deliveredTo.add(this);
      }
    }

    @Override
    public void closeAfterSent() {}

    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void setAutoRead(boolean autoRead) {}

    void consume(int prefetch) {
      dispatcher.consume(session, new Consume(0, "jobs", prefetch, null));
    }

    /** Settles one delivery as the core does: out of the session, then unheld. */
    void settle(Deliver d) {
      dispatcher.unhold(session.held.remove(d.tag()));
      clock.runPending();
      dispatcher.dispatch(queues.get("jobs"));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private void put(String handler) {
    QueueState q = queues.queue("jobs");
    Item item = new Item(++seq, "t" + seq, "jobs", ItemKind.TASK, handler, "jobs.done", 3, 60_000, Payload.EMPTY);
    budgets.charge(q, item);
    q.offerLast(item);
    dispatcher.dispatch(q);
  }

  @Test
  void tasksGoRoundRobinToTheConsumersWithCredit() {
    Worker a = new Worker("a", "echo");
    Worker b = new Worker("b", "echo");
    Worker c = new Worker("c", "echo");
    a.consume(10);
    b.consume(10);
    c.consume(10);

    for (int i = 0; i < 7; i++) {
      put("echo");
    }

    assertEquals(List.of(a, b, c, a, b, c, a), deliveredTo);
  }

  @Test
  void aConsumerHoldsNoMoreThanItsPrefetchAndTakesAgainWhenOneSettles() {
    Worker a = new Worker("a", "echo");
    Worker b = new Worker("b", "echo");
    a.consume(2);
    b.consume(1);
    for (int i = 0; i < 6; i++) {
      put("echo");
    }
    assertEquals(List.of(a, b, a), deliveredTo, "3 of 6 tasks out: credit 2 + 1");
    assertEquals(3, queues.get("jobs").ready.size());

    a.settle(a.got.get(0));
    assertEquals(List.of(a, b, a, a), deliveredTo, "a settled one and took one");
    b.settle(b.got.get(0));
    assertEquals(b, deliveredTo.get(4));
    assertEquals(List.of("t1", "t3", "t4"), a.got.stream().map(Deliver::id).toList());
  }

  @Test
  void aTaskGoesOnlyToAWorkerOfferingItsHandlerAndWaitsForOne() {
    Worker resize = new Worker("resize", "resize");
    Worker thumb = new Worker("thumb", "thumb");
    resize.consume(10);
    thumb.consume(10);

    put("thumb");
    put("thumb");
    put("ocr");
    put("resize");

    assertEquals(List.of("t1", "t2"), thumb.got.stream().map(Deliver::id).toList());
    assertEquals(List.of("t4"), resize.got.stream().map(Deliver::id).toList());
    assertEquals(1, queues.get("jobs").ready.size(), "the ocr task waits for a worker that runs it");

    Worker ocr = new Worker("ocr", "ocr", "thumb");
    ocr.consume(10);
    assertEquals(List.of("t3"), ocr.got.stream().map(Deliver::id).toList());
  }

  @Test
  void aStarvingConsumerIsWokenByATaskForItsHandlerAndTheOthersDoNotStandInTheWay() {
    List<Worker> idle = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Worker w = new Worker("idle" + i, "never");
      w.consume(1);
      idle.add(w);
    }
    Worker echo = new Worker("echo", "echo");
    echo.consume(1);

    put("echo");
    assertEquals(List.of(echo), deliveredTo);
    put("never");
    assertEquals(List.of(echo, idle.get(0)), deliveredTo, "the oldest consumer offering the handler");
    put("never");
    assertEquals(idle.get(1), deliveredTo.get(2), "the next one: the first has used its credit");
    assertTrue(idle.subList(2, idle.size()).stream().allMatch(w -> w.got.isEmpty()));
  }

  @Test
  void waitingFetchesAreServedBeforeConsumers() {
    Worker consumer = new Worker("consumer", "echo");
    consumer.consume(10);
    Worker fetcher = new Worker("fetcher", "echo");
    dispatcher.fetch(fetcher.session, new dev.workq.protocol.Fetch(5, "jobs", 10_000));

    put("echo");
    put("echo");

    assertEquals(List.of(fetcher, consumer), deliveredTo);
    assertEquals(5, fetcher.got.get(0).corr(), "the delivery answers the fetch");
  }
}
