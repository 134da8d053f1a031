package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LeaseHeap} against a plain list as the model, under seeded random adds, removals (from
 * anywhere, twice, of strangers), renewals that move a deadline either way, and expiries taken
 * from the top. A failure names the seed that reproduces it.
 */
class LeaseHeapTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void behavesLikeASortedListOfTheHeldDeliveries(long seed) {
    Random random = new Random(seed);
    LeaseHeap heap = new LeaseHeap();
    List<Delivery> model = new ArrayList<>();
    long tags = 0;
    for (int step = 0; step < 20_000; step++) {
      int op = random.nextInt(10);
      if (op < 4 || model.isEmpty()) {
        Delivery d = delivery(++tags, random.nextInt(1_000) - 500);
        heap.add(d);
        model.add(d);
      } else if (op < 6) {
        Delivery d = model.remove(random.nextInt(model.size()));
        heap.remove(d);
        heap.remove(d);
      } else if (op < 7) {
        heap.remove(delivery(++tags, 0));
      } else if (op < 9) {
        Delivery d = model.get(random.nextInt(model.size()));
        d.expiresAt += random.nextInt(1_000) - 500;
        heap.changed(d);
      } else {
        long earliest = model.stream().mapToLong(d -> d.expiresAt).min().orElseThrow();
        Delivery top = heap.peek();
        assertEquals(earliest, top.expiresAt, "seed " + seed + ", step " + step + ": the top is the earliest deadline");
        heap.remove(top);
        model.remove(top);
      }
      assertEquals(model.size(), heap.size(), "seed " + seed + ", step " + step);
    }
    model.sort(Comparator.comparingLong(d -> d.expiresAt));
    for (Delivery expected : model) {
      Delivery top = heap.peek();
      assertEquals(expected.expiresAt, top.expiresAt, "seed " + seed + ": drained in deadline order");
      heap.remove(top);
      assertEquals(-1, top.heapIndex);
    }
    assertNull(heap.peek());
    assertEquals(0, heap.size());
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MAX_VALUE - 5, Long.MIN_VALUE + 5})
  void ordersDeadlinesAcrossTheNanoTimeWrap(long base) {
    LeaseHeap heap = new LeaseHeap();
    Delivery later = delivery(1, 0);
    later.expiresAt = base + 10;
    Delivery sooner = delivery(2, 0);
    sooner.expiresAt = base;
    heap.add(later);
    heap.add(sooner);
    assertSame(sooner, heap.peek());
  }

  private static Delivery delivery(long tag, long offsetMs) {
    Item item = new Item(tag, "t" + tag, "q", ItemKind.TASK, "h", null, 3, 1_000, Payload.EMPTY);
    Delivery d = new Delivery(tag, item, new QueueState("q"), null, null, 0);
    d.expiresAt = offsetMs;
    return d;
  }
}
