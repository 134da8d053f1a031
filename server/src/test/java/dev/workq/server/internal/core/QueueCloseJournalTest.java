package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.QueuePurgeOk;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.Request;
import dev.workq.server.FsyncPolicy;
import dev.workq.server.internal.journal.JournalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed mark and purges in the journal: a closed queue is closed again after a replay and
 * after a compaction that replaced the record, until it is deleted; purged items stay gone. A
 * durable core on its own threads, in a temp directory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueCloseJournalTest {

  @TempDir
  Path dir;

  private BrokerCore open(long minCompactBytes) throws IOException {
    return BrokerCore.durable(CoreHarness.config(3, 60_000, 100, 1_000),
        JournalOptions.builder().dataDir(dir).fsync(FsyncPolicy.ALWAYS).build(), minCompactBytes);
  }

  private static Message ask(BrokerCore core, Request r) throws Exception {
    return core.request(r).get(10, TimeUnit.SECONDS);
  }

  private static Put task(String queue, String id) {
    return new Put(1, queue, ItemKind.TASK, id, "echo", null, null, null, Payload.ofUtf8(id));
  }

  private static QueueStats stats(BrokerCore core, String queue) throws Exception {
    return core.stats().get(10, TimeUnit.SECONDS).queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElse(null);
  }

  @Test
  void aClosedQueueStaysClosedAfterAReplayAndAfterACompactionUntilDeleted() throws Exception {
    try (BrokerCore core = open(Long.MAX_VALUE)) {
      assertInstanceOf(PutOk.class, ask(core, task("jobs", "t1")));
      assertInstanceOf(PutOk.class, ask(core, task("other", "o1")));
      assertInstanceOf(QueueCloseOk.class, ask(core, new QueueClose(2, "jobs")));
    }
    try (BrokerCore core = open(Long.MAX_VALUE)) {
      assertTrue(stats(core, "jobs").closed(), "replayed from its CLOSE record");
      assertFalse(stats(core, "other").closed());
      assertEquals(1, stats(core, "jobs").ready());
      assertEquals(ErrorCode.QUEUE_CLOSED, ((ErrorReply) ask(core, task("jobs", "t2"))).code());
    }
    try (BrokerCore core = open(1)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (core.snapshot().get(10, TimeUnit.SECONDS).journal().compactions() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(core.snapshot().get(10, TimeUnit.SECONDS).journal().compactions() > 0, "compacted");
      assertInstanceOf(PutOk.class, ask(core, task("other", "o2")));
    }
    try (BrokerCore core = open(Long.MAX_VALUE)) {
      assertTrue(stats(core, "jobs").closed(), "the snapshot carried the mark");
      DeleteQueueOk ok = (DeleteQueueOk) core.deleteQueue(new DeleteQueue(3, "jobs", true)).get(10, TimeUnit.SECONDS);
      assertEquals(1, ok.removed());
    }
    try (BrokerCore core = open(Long.MAX_VALUE)) {
      assertEquals(null, stats(core, "jobs"), "deleted with its mark");
      assertInstanceOf(PutOk.class, ask(core, task("jobs", "t3")));
      assertFalse(stats(core, "jobs").closed());
    }
  }

  @Test
  void purgedItemsStayGoneAfterAReplay() throws Exception {
    try (BrokerCore core = open(Long.MAX_VALUE)) {
      ask(core, task("jobs", "t1"));
      ask(core, task("jobs", "t2"));
      ask(core, new Put(1, "jobs", ItemKind.STOP, null, null, null, null, null, Payload.EMPTY));
      assertEquals(new QueuePurgeOk(4, "jobs", 2, 0, 1, 0), ask(core, new QueuePurge(4, "jobs", false)));
    }
    try (BrokerCore core = open(Long.MAX_VALUE)) {
      assertEquals(null, stats(core, "jobs"), "nothing of it is left to replay");
    }
  }

  @Test
  void aSnapshotCarriesTheClosedQueuesAndACloseRecordCanBeUndone() throws IOException {
    Snapshotter.LiveState state = new Snapshotter.LiveState(5, List.of(), List.of("a", "b"));
    List<byte[]> records = new ArrayList<>();
    state.writeTo(records::add);
    assertEquals(state.records(), records.size());
    records.add(JournalRecords.close("b", false));
    Recovered recovered = new Recovered();
    for (byte[] r : records) {
      JournalRecords.replay(r, recovered);
    }
    assertEquals(java.util.Set.of("a"), recovered.closedQueues());
  }
}
