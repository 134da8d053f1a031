package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.TaskState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The journal's item records across releases: the previous release's PUT and REPLACE bytes still
 * replay (as priority 0 without key), and the new fields (priority, key, a result's finish, a
 * retired result) survive a record and a snapshot.
 */
class JournalFormatTest {

  /** A PUT exactly as the previous release wrote it, byte by byte after its documented layout. */
  private static byte[] oldPut(long seq, String id, long notBefore, String payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(1);
    writeOldItem(out, seq, id, notBefore, payload);
    return bytes.toByteArray();
  }

  private static void writeOldItem(DataOutputStream out, long seq, String id, long notBefore, String payload) throws IOException {
    out.writeLong(seq);
    out.writeUTF("jobs");
    out.writeByte(ItemKind.TASK.ordinal());
    out.writeByte(0);
    out.writeUTF(id);
    out.writeBoolean(true);
    out.writeUTF("echo");
    out.writeBoolean(true);
    out.writeUTF("jobs.done");
    out.writeInt(3);
    out.writeLong(30_000);
    out.writeInt(1);
    out.writeInt(0);
    out.writeLong(notBefore);
    out.writeShort(1);
    out.writeUTF("java.io.IOException: busy");
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    out.writeInt(p.length);
    out.write(p);
  }

  @Test
  void thePreviousReleasesRecordsStillReplay() throws IOException {
    ByteArrayOutputStream replace = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(replace);
    out.writeByte(3);
    out.writeLong(1);
    out.writeShort(1);
    writeOldItem(out, 2, "t1", 1_900_000_000_000L, "{\"n\":1}");
    ByteArrayOutputStream epoch = new ByteArrayOutputStream();
    new DataOutputStream(epoch).writeByte(4);
    new DataOutputStream(epoch).writeLong(6);

    Recovered r = new Recovered();
    JournalRecords.replay(epoch.toByteArray(), r);
    JournalRecords.replay(oldPut(1, "t1", 0, "{\"n\":1}"), r);
    JournalRecords.replay(replace.toByteArray(), r);
    JournalRecords.replay(oldPut(3, "t2", 0, "{\"n\":2}"), r);

    assertEquals(6, r.epoch());
    assertEquals(List.of(2L, 3L), r.items().stream().map(i -> i.seq).toList());
    Item retry = r.items().get(0);
    assertEquals("t1", retry.id);
    assertEquals(1_900_000_000_000L, retry.notBefore);
    assertEquals(List.of("java.io.IOException: busy"), retry.errors);
    assertEquals(0, retry.priority);
    assertNull(retry.key);
    assertNull(retry.finish);
    assertEquals("{\"n\":2}", r.items().get(1).payload.utf8());
  }

  @Test
  void aCoreStartsOnThePreviousReleasesJournalAndServesItsTasks() throws IOException {
    TestJournal journal = new TestJournal();
    long wallAtStart = new FakeClock().wallMillis();
    journal.records.add(oldPut(1, "waiting", wallAtStart + 5_000, "{}"));
    journal.records.add(oldPut(2, "ready", 0, "{}"));
    CoreHarness h = new CoreHarness(CoreHarness.config(3, 60_000, 100, 1_000), 1, journal, 0);
    CoreHarness.Peer c = h.client("c");

    assertEquals(TaskState.RETRYING, TaskTestSupport.status(c, "waiting").state(), "attempts 1, waiting out its backoff");
    assertEquals(TaskState.READY, TaskTestSupport.status(c, "ready").state());
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 5);
    assertEquals("ready", w.delivery().id());
    h.advance(5_100);
    assertEquals("waiting", w.delivery().id());
  }

  @Test
  void priorityKeyAndFinishSurviveARecordAndASnapshotAndRetireMarksTheResult() throws IOException {
    Item task = new Item(5, "t", "jobs", ItemKind.TASK, "echo", "jobs.done", 3, 30_000, Payload.ofUtf8("{}"));
    task.priority = 7;
    task.key = "order-17";
    Item result = new Item(6, "t", "jobs.done", ItemKind.RESULT, null, null, 3, 30_000, Payload.ofUtf8("{\"ok\":true}"));
    result.finish = new Finish(TaskState.CANCELLED, 1_800_000_000_123L, "jobs", "echo", "order-17", 7, 2, 3, "dev.workq.Cancelled: x");

    Recovered r = new Recovered();
    JournalRecords.replay(JournalRecords.put(task), r);
    JournalRecords.replay(JournalRecords.replace(5, List.of(result)), r);
    JournalRecords.replay(JournalRecords.retire(6), r);
    Item back = r.items().get(0);
    assertEquals(Item.State.RETIRED, back.state);
    assertEquals(result.finish, back.finish);
    assertEquals("{\"ok\":true}", back.payload.utf8());

    Recovered fromPut = new Recovered();
    JournalRecords.replay(JournalRecords.put(task), fromPut);
    assertEquals(7, fromPut.items().get(0).priority);
    assertEquals("order-17", fromPut.items().get(0).key);

    List<byte[]> records = new ArrayList<>();
    new Snapshotter.LiveState(3, List.of(Snapshotter.LiveItem.of(task), Snapshotter.LiveItem.of(back))).writeTo(records::add);
    Recovered snap = new Recovered();
    for (byte[] rec : records) {
      JournalRecords.replay(rec, snap);
    }
    assertEquals(7, snap.items().get(0).priority);
    assertEquals("order-17", snap.items().get(0).key);
    assertEquals(Item.State.RETIRED, snap.items().get(1).state);
    assertEquals(result.finish, snap.items().get(1).finish);
  }

  @Test
  void theCoresSnapshotCarriesRetiredResultsButNotExpiredOnes() {
    TestJournal journal = new TestJournal();
    CoreConfig config = CoreHarness.config(3, 60_000, 100, 1_000).withTaskLimits(60_000, 100, 1 << 20, 4);
    CoreHarness h = new CoreHarness(config, 1, journal, 0);
    CoreHarness.Peer c = h.client("c");
    TaskTestSupport.put(c, "jobs", "t", "echo", 2, null, "k");
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 1);
    w.complete(w.delivery(), "{}");
    c.consume("jobs.done", 1);
    c.ack(c.delivery());

    List<Snapshotter.LiveItem> items = h.core.liveState().items();
    assertEquals(1, items.size(), items::toString);
    assertEquals(Item.State.RETIRED, items.get(0).state());
    assertEquals("k", items.get(0).finish().key());
    assertEquals(2, items.get(0).finish().priority());

    h.advance(60_000);
    assertEquals(List.of(), h.core.liveState().items(), "expired: not carried on");
  }
}
