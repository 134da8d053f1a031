package dev.workq.server.internal.core;

import static dev.workq.server.internal.core.TaskTestSupport.put;
import static dev.workq.server.internal.core.TaskTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.TaskState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cluster node's replica applies a core's records as a replay would, and bounds the retained
 * results the way a restart does although no record says when one expires or is pushed out by a
 * cap: without that, every result taken off its done queue stayed in every node's memory and
 * every Raft snapshot.
 */
class ReplicaTest {

  private static final long RETENTION = 60_000;

  private static CoreConfig config(int maxResults) {
    return CoreHarness.config(3, 60_000, 100, 1_000).withTaskLimits(RETENTION, maxResults, 1 << 20, 4);
  }

  /**
   * Runs {@code n} tasks to done on {@code h}, each result taken as soon as it is filed, as a
   * submitter reading its done queue does: each is still retained when it is taken, so its ack
   * is a RETIRE.
   */
  private static void runAndTake(CoreHarness h, String prefix, int n) {
    CoreHarness.Peer c = h.client("c-" + prefix);
    for (int i = 0; i < n; i++) {
      put(c, "jobs", prefix + i, "echo", null, null, null);
    }
    CoreHarness.Peer w = h.worker("w-" + prefix, "echo");
    CoreHarness.Peer reader = h.client("r-" + prefix);
    reader.consume("jobs.done", n);
    w.consume("jobs", n);
    for (Deliver d : w.deliveries()) {
      w.complete(d, "{}");
      reader.ack(reader.delivery());
    }
    w.close();
    reader.close();
    c.close();
  }

  private static Replica replicaOf(TestJournal journal, CoreConfig config, FakeClock clock) throws IOException {
    Replica replica = new Replica(config, clock::wallMillis);
    for (byte[] record : journal.records) {
      replica.apply(record);
    }
    return replica;
  }

  @Test
  void takenResultsPastTheCountCapAreDroppedAsARestartDropsThem() throws IOException {
    TestJournal journal = new TestJournal();
    CoreHarness h = new CoreHarness(config(50), 7, journal, 0);
    runAndTake(h, "t", 1_000);

    Replica replica = replicaOf(journal, config(50), h.clock);
    assertEquals(50, replica.items(), "only the newest 50 retained results, not all 1,000 taken off their done queue");

    // A leader elected now serves what a restart on the same records would.
    CoreHarness restarted = new CoreHarness(config(50), 7, journal, h.clock.elapsedMs());
    CoreHarness fromReplica = leaderOf(replica, config(50), h.clock.elapsedMs());
    for (String id : List.of("t0", "t949", "t950", "t999")) {
      assertEquals(status(restarted.client("a" + id), id).state(), status(fromReplica.client("b" + id), id).state(), id);
    }
    assertEquals(TaskState.DONE, status(fromReplica.client("x"), "t999").state());
    assertEquals(TaskState.NOT_FOUND, status(fromReplica.client("y"), "t949").state());
  }

  @Test
  void takenResultsGoOnceTheirRetentionIsOverOnThisNodesClock() throws IOException {
    TestJournal journal = new TestJournal();
    CoreHarness h = new CoreHarness(config(10_000), 7, journal, 0);
    runAndTake(h, "old", 100);
    Replica replica = replicaOf(journal, config(10_000), h.clock);
    assertEquals(100, replica.items(), "all held within the retention");

    int applied = journal.records.size();
    h.advance(RETENTION + 1);
    runAndTake(h, "new", 10);
    for (byte[] record : journal.records.subList(applied, journal.records.size())) {
      replica.apply(record);
    }
    assertEquals(10, replica.items(), "the first hundred expired; the ten new ones are held");
  }

  @Test
  void resultsStillOnTheirDoneQueueStayWhateverTheCaps() throws IOException {
    TestJournal journal = new TestJournal();
    CoreHarness h = new CoreHarness(config(5), 7, journal, 0);
    CoreHarness.Peer c = h.client("c");
    for (int i = 0; i < 20; i++) {
      put(c, "jobs", "q" + i, "echo", null, null, null);
    }
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 20);
    for (Deliver d : w.deliveries()) {
      w.complete(d, "{}");
    }
    Replica replica = replicaOf(journal, config(5), h.clock);
    assertEquals(20, replica.items(), "a result nobody took is on its done queue: the cap bounds only what is retained");

    CoreHarness fromReplica = leaderOf(replica, config(5), h.clock.elapsedMs());
    CoreHarness.Peer reader = fromReplica.client("r");
    reader.consume("jobs.done", 100);
    assertEquals(20, reader.deliveries().size(), "every result is on the done queue of a leader built from the replica");
  }

  @Test
  void aSnapshotOfTheReplicaLoadsIntoAnEqualOne() throws IOException {
    TestJournal journal = new TestJournal();
    CoreHarness h = new CoreHarness(config(30), 7, journal, 0);
    runAndTake(h, "s", 200);
    Replica replica = replicaOf(journal, config(30), h.clock);
    List<byte[]> snapshot = new ArrayList<>();
    replica.capture().writeTo(snapshot::add);

    Replica loaded = new Replica(config(30), h.clock::wallMillis);
    for (byte[] record : snapshot) {
      loaded.apply(record);
    }
    assertEquals(replica.items(), loaded.items());
    assertTrue(loaded.items() <= 30, "the snapshot carries only what is retained");
  }

  /** A core started from {@code replica}, as a newly elected leader's is, {@code elapsedMs} in. */
  private static CoreHarness leaderOf(Replica replica, CoreConfig config, long elapsedMs) throws IOException {
    TestJournal copy = new TestJournal();
    replica.capture().writeTo(copy.records::add);
    return new CoreHarness(config, 7, copy, elapsedMs);
  }
}
