package dev.workq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Message;
import dev.workq.protocol.Revoke;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A whole {@link Worker} on the wire: a REVOKE stops a running task and the worker takes the next; a STOP is acked last. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerCancelAndStopTest {

  private final ScriptedBroker broker = new ScriptedBroker();
  private Worker worker;
  private CompletableFuture<Integer> exit;

  @AfterEach
  void tearDown() throws Exception {
    if (worker != null) {
      worker.stop();
      exit.get(20, TimeUnit.SECONDS);
    }
    broker.close();
  }

  private void start(int concurrency) {
    worker = new Worker(WorkerOptions.builder()
        .client(ClientOptions.builder().address(broker.address()).build())
        .concurrency(concurrency).prefetch(4).reconnectTimeout(Duration.ofSeconds(5)).build());
    exit = CompletableFuture.supplyAsync(worker::run);
  }

  @Test
  void aStopIsAckedOnlyAfterTheRunningTasksFinished() throws Exception {
    start(2);
    long slow = broker.task("sleep", "{\"ms\":700}");
    long quick = broker.task("echo", "{\"n\":1}");
    long stop = broker.stop();
    Complete first = assertInstanceOf(Complete.class, broker.next());
    assertEquals(quick, first.tag());
    Complete second = assertInstanceOf(Complete.class, broker.next());
    assertEquals(slow, second.tag(), "the task held before the STOP ran to the end");
    Ack ack = assertInstanceOf(Ack.class, broker.next(), "then the STOP is acked");
    assertEquals(stop, ack.tag());
    assertEquals(Worker.EXIT_STOPPED, exit.get(10, TimeUnit.SECONDS));
    assertEquals(2, worker.completed());
    assertNull(broker.sent.poll(200, TimeUnit.MILLISECONDS), "nothing after the ack");
  }

  @Test
  void aRevokedSleepStopsAtOnceSendsNothingAndTheWorkerTakesTheNextTask() throws Exception {
    start(1);
    long sleeping = broker.task("sleep", "{\"ms\":60000}");
    long next = broker.task("echo", "{\"n\":2}");
    Thread.sleep(300);
    long start = System.nanoTime();
    broker.push(new Revoke(sleeping, "t" + sleeping));
    Complete done = assertInstanceOf(Complete.class, broker.next());
    assertEquals(next, done.tag(), "the next task ran in the cancelled one's slot, and nothing was sent for the cancelled one");
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3), "the sleep stopped at once");
    long stop = broker.stop();
    Message m = broker.next();
    assertEquals(List.of(Ack.class, stop), List.of(m.getClass(), ((Ack) m).tag()));
    assertEquals(Worker.EXIT_STOPPED, exit.get(10, TimeUnit.SECONDS));
    assertEquals(1, worker.completed());
  }
}
