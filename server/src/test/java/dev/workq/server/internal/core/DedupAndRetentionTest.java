package dev.workq.server.internal.core;

import static dev.workq.server.internal.core.QueuePurgePeekTest.retainedCounts;
import static dev.workq.server.internal.core.TaskTestSupport.errors;
import static dev.workq.server.internal.core.TaskTestSupport.put;
import static dev.workq.server.internal.core.TaskTestSupport.putOks;
import static dev.workq.server.internal.core.TaskTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.TaskState;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deduplication by key per queue, while unfinished and for the retention after, including a put
 * racing one not yet durable; and the retention of finished tasks: its time, count and byte caps.
 */
class DedupAndRetentionTest {

  private static final long RETENTION = 60_000;

  private static CoreConfig config(int maxResults, long maxBytes) {
    return CoreHarness.config(3, 60_000, 100, 1_000).withTaskLimits(RETENTION, maxResults, maxBytes, 4);
  }

  private final TestJournal journal = new TestJournal();
  private final CoreHarness h = new CoreHarness(config(100, 1 << 20), 5, journal, 0);
  private final CoreHarness.Peer client = h.client("c");

  private void runToDone(String queue) {
    CoreHarness.Peer w = h.worker("w" + System.nanoTime(), "echo");
    w.consume(queue, 100);
    for (Deliver d : w.deliveries()) {
      w.complete(d, "{\"r\":\"" + d.id() + "\"}");
    }
    w.close();
  }

  @Test
  void aKeyHeldByAnUnfinishedTaskQueuesNothingAndAnswersTheFirstId() {
    put(client, "jobs", null, "echo", null, null, "order-17");
    String first = putOks(client).get(0);
    put(client, "jobs", null, "echo", null, null, "order-17");
    put(client, "other", null, "echo", null, null, "order-17");

    List<String> ids = putOks(client);
    assertEquals(first, ids.get(0), "the same key on the same queue: the first task's id");
    assertNotEquals(first, ids.get(1), "another queue is another scope");
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 10);
    assertEquals(List.of(first), w.deliveries().stream().map(Deliver::id).toList(), "queued once");
  }

  @Test
  void aKeyDedupsForTheRetentionAfterItsTaskFinishedThenIsFree() {
    put(client, "jobs", null, "echo", null, null, "k");
    String first = putOks(client).get(0);
    runToDone("jobs");
    h.advance(RETENTION - 1_000);
    put(client, "jobs", null, "echo", null, null, "k");
    assertEquals(List.of(first), putOks(client), "still within the window");

    h.advance(2_000);
    assertEquals(TaskState.NOT_FOUND, status(client, first).state(), "retention over");
    put(client, "jobs", null, "echo", null, null, "k");
    String second = putOks(client).get(0);
    assertNotEquals(first, second, "the window ended: a new task");
    assertEquals(TaskState.READY, status(client, second).state());
  }

  @Test
  void aPutRacingANotYetDurablePutOfItsKeyGetsTheFirstsAnswerAndQueuesNothing() {
    journal.hold();
    put(client, "jobs", "a", "echo", null, null, "k");
    put(client, "jobs", "b", "echo", null, null, "k");
    assertEquals(List.of(), putOks(client), "nothing is durable yet");
    journal.release();
    h.clock.runPending();

    assertEquals(List.of("a", "a"), putOks(client));
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 10);
    assertEquals(List.of("a"), w.deliveries().stream().map(Deliver::id).toList());
  }

  @Test
  void whenTheFirstPutFailsToBeJournaledTheRacingOneFailsToo() {
    journal.hold();
    put(client, "jobs", "a", "echo", null, null, "k");
    put(client, "jobs", "b", "echo", null, null, "k");
    journal.fail(new IOException("disk full"));
    h.clock.runPending();

    List<ErrorReply> errs = errors(client);
    assertEquals(2, errs.size(), errs::toString);
    errs.forEach(e -> assertEquals(ErrorCode.STORAGE_ERROR, e.code()));
    put(client, "jobs", "c", "echo", null, null, "k");
    assertEquals(List.of("c"), putOks(client), "the key is free again");
  }

  @Test
  void aKeyStillDedupsAfterARestart() {
    put(client, "jobs", "first", "echo", null, null, "k");
    put(client, "jobs", "done-one", "echo", null, null, "k2");
    putOks(client);
    CoreHarness.Peer w = h.worker("w", "nobody");
    w.close();
    CoreHarness.Peer echo = h.worker("e", "echo");
    echo.consume("jobs", 1);
    Deliver d = echo.delivery();
    echo.complete(d, "{}");

    CoreHarness after = new CoreHarness(config(100, 1 << 20), 5, journal, h.clock.elapsedMs() + 1_000);
    CoreHarness.Peer c2 = after.client("c2");
    put(c2, "jobs", null, "echo", null, null, "k");
    put(c2, "jobs", null, "echo", null, null, "k2");
    assertEquals(List.of("first", "done-one"), putOks(c2), "an unfinished and a finished holder, both from the journal");
  }

  @Test
  void theOldestRetainedResultsGoFirstPastTheCountCap() {
    CoreHarness small = new CoreHarness(config(2, 1 << 20), 5, new TestJournal(), 0);
    CoreHarness.Peer c = small.client("c");
    for (String id : List.of("r1", "r2", "r3")) {
      put(c, "jobs", id, "echo", null, null, null);
    }
    CoreHarness.Peer w = small.worker("w", "echo");
    w.consume("jobs", 10);
    for (Deliver d : w.deliveries()) {
      w.complete(d, "{}");
    }
    assertEquals(TaskState.NOT_FOUND, status(c, "r1").state());
    assertEquals(TaskState.DONE, status(c, "r2").state());
    assertEquals(TaskState.DONE, status(c, "r3").state());
    assertEquals(new CoreBudgets.RetainedCounts(2, 2, 2 * (Retained.ENTRY_OVERHEAD + 2), 1 << 20, 1, 0), retainedCounts(small),
        "two entries of a 2-byte result each; one dropped by the count cap");
  }

  @Test
  void theCountCapWritesNothingAndAReplayAppliesItAgainKeepingTheNewest() {
    TestJournal log = new TestJournal();
    CoreHarness small = new CoreHarness(config(2, 1 << 20), 5, log, 0);
    CoreHarness.Peer c = small.client("c");
    for (String id : List.of("r1", "r2", "r3")) {
      put(c, "jobs", id, "echo", null, null, null);
    }
    CoreHarness.Peer w = small.worker("w", "echo");
    w.consume("jobs", 10);
    for (Deliver d : w.deliveries()) {
      w.complete(d, "{}");
    }
    CoreHarness.Peer reader = small.client("reader");
    reader.consume("jobs.done", 10);
    reader.deliveries().forEach(reader::ack);
    // The epoch, then per task its put, its finish and its result's ack (RETIRE, or REMOVE for r1,
    // which the cap had pushed out by then): the cap itself costs no record.
    assertEquals(1 + 3 * 3, log.records.size());
    assertEquals(1, log.records.stream().filter(r -> r[0] == JournalRecords.REMOVE).count());

    CoreHarness after = new CoreHarness(config(2, 1 << 20), 5, log, small.clock.elapsedMs() + 1_000);
    CoreHarness.Peer c2 = after.client("c2");
    assertEquals(TaskState.NOT_FOUND, status(c2, "r1").state(), "the replay keeps the newest two, as the cap did");
    assertEquals(TaskState.DONE, status(c2, "r2").state());
    assertEquals(TaskState.DONE, status(c2, "r3").state());
    assertEquals(new CoreBudgets.RetainedCounts(2, 2, 2 * (Retained.ENTRY_OVERHEAD + 2), 1 << 20, 0, 0), retainedCounts(after),
        "what the replay drops again was counted before the restart, not again");
  }

  @Test
  void theOldestRetainedResultsGoFirstPastTheByteCap() {
    CoreHarness small = new CoreHarness(config(100, 2 * Retained.ENTRY_OVERHEAD + 2_500), 5, new TestJournal(), 0);
    CoreHarness.Peer c = small.client("c");
    for (String id : List.of("b1", "b2", "b3")) {
      put(c, "jobs", id, "echo", null, null, null);
    }
    CoreHarness.Peer w = small.worker("w", "echo");
    w.consume("jobs", 10);
    for (Deliver d : w.deliveries()) {
      w.complete(d, "x".repeat(1_000));
    }
    assertEquals(TaskState.NOT_FOUND, status(c, "b1").state(), "three results of 1,000 bytes do not fit 2,500");
    assertEquals(TaskState.DONE, status(c, "b2").state());
    assertEquals(TaskState.DONE, status(c, "b3").state());
    assertEquals(new CoreBudgets.RetainedCounts(2, 100, 2 * (Retained.ENTRY_OVERHEAD + 1_000), 2 * Retained.ENTRY_OVERHEAD + 2_500,
        0, 1), retainedCounts(small), "one dropped by the byte cap");
  }

  @Test
  void retainedResultsSurviveARestartAfterTheirResultWasTakenAndExpireOnTime() {
    put(client, "jobs", "t", "echo", null, null, null);
    putOks(client);
    runToDone("jobs");
    CoreHarness.Peer reader = h.client("reader");
    reader.consume("jobs.done", 1);
    Deliver result = reader.delivery();
    reader.ack(result);
    long records = journal.records.stream().filter(r -> r[0] == JournalRecords.RETIRE).count();
    assertEquals(1, records, "the ack of a retained result is journaled as RETIRE");

    CoreHarness after = new CoreHarness(config(100, 1 << 20), 5, journal, h.clock.elapsedMs() + 10_000);
    CoreHarness.Peer c2 = after.client("c2");
    assertEquals(TaskState.DONE, status(c2, "t").state(), "retained across the restart");
    c2.consume("jobs.done", 1);
    assertEquals(List.of(), c2.deliveries(), "its result was taken before: not on the done queue again");
    after.advance(RETENTION);
    assertEquals(TaskState.NOT_FOUND, status(c2, "t").state(), "expired by its finish time");
    assertEquals(new CoreBudgets.RetainedCounts(0, 100, 0, 1 << 20, 0, 0), retainedCounts(after),
        "an expired entry is no longer held, and expiry is not an eviction");

    CoreHarness later = new CoreHarness(config(100, 1 << 20), 5, journal, h.clock.elapsedMs() + RETENTION + 20_000);
    assertEquals(TaskState.NOT_FOUND, status(later.client("c3"), "t").state(), "dropped at replay once expired");
  }
  @Test
  void aTaskPutAgainWithItsOwnIdIsAnsweredWithItAndQueuedOnce() {
    put(client, "jobs", "t-1", "echo", null, null, null);
    put(client, "jobs", "t-1", "echo", null, null, null);
    assertEquals(List.of("t-1", "t-1"), putOks(client), "a resent put (after a lost connection) gets the same id");
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 10);
    assertEquals(List.of("t-1"), w.deliveries().stream().map(Deliver::id).toList(), "queued once");
  }

  @Test
  void aResentPutRacingTheNotYetDurableFirstGetsItsAnswerAndQueuesNothing() {
    journal.hold();
    put(client, "jobs", "t-2", "echo", null, null, null);
    put(client, "jobs", "t-2", "echo", null, null, null);
    assertEquals(List.of(), putOks(client));
    journal.release();
    h.clock.runPending();
    assertEquals(List.of("t-2", "t-2"), putOks(client));
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 10);
    assertEquals(List.of("t-2"), w.deliveries().stream().map(Deliver::id).toList());
  }

  @Test
  void anIdOfAFinishedTaskDedupsWhileRetainedAndIsFreeAfter() {
    put(client, "jobs", "t-3", "echo", null, null, null);
    putOks(client);
    runToDone("jobs");
    put(client, "jobs", "t-3", "echo", null, null, null);
    assertEquals(List.of("t-3"), putOks(client));
    assertEquals(TaskState.DONE, status(client, "t-3").state(), "not queued again");

    h.advance(RETENTION + 1_000);
    put(client, "jobs", "t-3", "echo", null, null, null);
    putOks(client);
    assertEquals(TaskState.READY, status(client, "t-3").state(), "the retention is over: a new task");
  }
}
