package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Highest priority first, FIFO within a priority, still by handler; handed-back items lead their priority. */
class PriorityTest {

  private static Item item(long seq, String handler, int priority) {
    Item i = new Item(seq, "t" + seq, "jobs", handler == null ? ItemKind.DATA : ItemKind.TASK, handler, "jobs.done", 3, 1000,
        Payload.EMPTY);
    i.priority = priority;
    return i;
  }

  private static List<Long> drain(ReadyItems r, Set<String> handlers) {
    List<Long> seqs = new ArrayList<>();
    Item i;
    while ((i = r.pollFor(handlers)) != null) {
      seqs.add(i.seq);
    }
    return seqs;
  }

  @Test
  void higherPrioritiesComeFirstAndEachPriorityIsFifo() {
    ReadyItems r = new ReadyItems();
    r.addLast(item(1, "a", 0));
    r.addLast(item(2, "a", 5));
    r.addLast(item(3, "b", 9));
    r.addLast(item(4, null, 5));
    r.addLast(item(5, "b", 5));
    r.addLast(item(6, "a", 0));

    assertEquals(List.of(3L, 2L, 4L, 5L, 1L, 6L), r.first(10).stream().map(i -> i.seq).toList());
    assertEquals(List.of(3L, 2L), r.first(2).stream().map(i -> i.seq).toList());
    assertEquals(List.of(3L, 2L, 4L, 5L, 1L, 6L), drain(r, null));
    assertTrue(r.isEmpty());
  }

  @Test
  void aWorkerGetsTheMostUrgentTaskItCanRunAndNeverAnotherHandlers() {
    ReadyItems r = new ReadyItems();
    r.addLast(item(1, "a", 0));
    r.addLast(item(2, "b", 9));
    r.addLast(item(3, "a", 3));
    r.addLast(item(4, "b", 3));

    assertEquals(List.of(3L, 1L), drain(r, Set.of("a")), "a's tasks, priority 3 first, past b's priority 9");
    assertEquals(2, r.size());
    assertEquals(List.of(2L, 4L), drain(r, Set.of("b", "c")));
  }

  @Test
  void aHandedBackItemGoesToTheFrontOfItsOwnPriorityOnly() {
    ReadyItems r = new ReadyItems();
    Item urgent = item(1, "a", 7);
    Item low = item(2, "a", 0);
    r.addLast(urgent);
    r.addLast(low);
    r.addLast(item(3, "a", 7));
    assertEquals(1, r.pollFor(null).seq);
    assertEquals(3, r.pollFor(null).seq);
    r.addFirst(urgent);

    assertEquals(List.of(1L, 2L), drain(r, Set.of("a")), "back before the low one, as it is urgent");
  }

  @Test
  void removeRemoveIfAndFirstKeepTheCounts() {
    ReadyItems r = new ReadyItems();
    Item stop = new Item(1, "s", "jobs", ItemKind.STOP, null, null, 1, 1000, Payload.EMPTY);
    Item a = item(2, "a", 4);
    Item b = item(3, "b", 4);
    Item c = item(4, "a", 0);
    r.addLast(stop);
    r.addLast(a);
    r.addLast(b);
    r.addLast(c);
    assertEquals(1, r.stops());

    assertTrue(r.remove(b));
    assertFalse(r.remove(b), "not twice");
    assertFalse(b.inReady);
    List<Item> taken = r.removeIf(i -> i.kind == ItemKind.STOP || i.priority == 0);
    assertEquals(Set.of(1L, 4L), Set.copyOf(taken.stream().map(i -> i.seq).toList()));
    assertEquals(0, r.stops());
    assertEquals(1, r.size());
    assertEquals(List.of(a), r.first(5));
    assertEquals(a, r.pollFor(Set.of("a")));
    assertNull(r.pollFor(null));
    assertTrue(r.isEmpty());
  }

  @Test
  void theCoreDeliversByPriorityThroughAWorkerWithHandlers() {
    CoreHarness h = new CoreHarness(CoreHarness.config(3, 60_000, 100, 1_000), 1);
    CoreHarness.Peer client = h.client("c");
    TaskTestSupport.put(client, "jobs", "low", "echo", null, null, null);
    TaskTestSupport.put(client, "jobs", "other", "nobody", 9, null, null);
    TaskTestSupport.put(client, "jobs", "mid", "echo", 4, null, null);
    TaskTestSupport.put(client, "jobs", "high", "echo", 9, null, null);
    TaskTestSupport.put(client, "jobs", "mid2", "echo", 4, null, null);

    CoreHarness.Peer w = h.worker("w", "echo");
    w.consume("jobs", 10);

    assertEquals(List.of("high", "mid", "mid2", "low"), w.deliveries().stream().map(Deliver::id).toList());
  }
}
