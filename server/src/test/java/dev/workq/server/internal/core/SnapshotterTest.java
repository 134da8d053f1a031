package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a compaction captures on the core thread (fields and the payload reference, nothing
 * encoded) and what the compactor thread later encodes from it: the records the journal has
 * always had.
 */
class SnapshotterTest {

  private static Item item(long seq) {
    Item i = new Item(seq, "t" + seq, "jobs", ItemKind.TASK, "echo", "jobs.done", 3, 5_000, Payload.ofUtf8("payload " + seq));
    i.attempts = 1;
    i.crashes = 1;
    i.notBefore = 123;
    i.addError("dev.workq.WorkerLost: gone");
    return i;
  }

  @Test
  void aCapturedItemSharesThePayloadAndEncodesAsTheItemDid() {
    Item item = item(7);
    byte[] then = JournalRecords.put(item);

    Snapshotter.LiveItem live = Snapshotter.LiveItem.of(item);
    item.attempts++;
    item.addError("later");

    assertSame(item.payload, live.payload(), "the payload is shared, not copied");
    assertArrayEquals(then, JournalRecords.put(live), "encoded later, it is the item as it was");
  }

  @Test
  void theCapturedStateReplaysToTheSameItems() throws IOException {
    List<Snapshotter.LiveItem> items = List.of(Snapshotter.LiveItem.of(item(3)), Snapshotter.LiveItem.of(item(9)));
    Snapshotter.LiveState state = new Snapshotter.LiveState(42, items);
    List<byte[]> records = new ArrayList<>();
    state.writeTo(records::add);
    assertEquals(state.records(), records.size());

    Recovered recovered = new Recovered();
    for (byte[] r : records) {
      JournalRecords.replay(r, recovered);
    }

    assertEquals(42, recovered.epoch());
    assertEquals(List.of(3L, 9L), recovered.items().stream().map(i -> i.seq).toList());
    Item back = recovered.items().get(1);
    assertEquals("t9", back.id);
    assertEquals(List.of("dev.workq.WorkerLost: gone"), back.errors);
    assertEquals("payload 9", back.payload.utf8());
    assertEquals(123, back.notBefore);
  }

  @Test
  void theCoreCapturesEveryLiveItemWherePreviouslyItEncodedThem() {
    CoreHarness h = new CoreHarness(CoreHarness.config(5, 60_000, 100, 1_000), 3);
    CoreHarness.Peer client = h.client("c");
    client.put("jobs", "held", "echo", 5, 60_000);
    client.put("jobs", "delayed", "echo", 5, 60_000);
    client.put("jobs", "ready", "nobody", 5, 60_000);
    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 3);
    w.fail(w.deliveries().get(1), "boom");

    Snapshotter.LiveState state = h.core.liveState();

    assertEquals(List.of("ready", "held", "delayed"), state.items().stream().map(Snapshotter.LiveItem::id).toList());
    assertEquals(1, state.items().get(1).attempts(), "the held one as delivered");
    assertEquals(List.of("boom"), state.items().get(2).errors());
    assertEquals(true, state.items().get(2).notBefore() > 0, "the failed one waits out its backoff");
  }
}
