package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A queue's ready items, kept FIFO by seq but split by handler, so that a worker is handed the
 * oldest task it can run without scanning past tasks for handlers it does not offer. Items that
 * are not tasks (STOP, values, results) go to anyone. Core thread only.
 */
final class ReadyItems {

  private final ArrayDeque<Item> any = new ArrayDeque<>();
  private final Map<String, ArrayDeque<Item>> byHandler = new HashMap<>();
  private int size;
  /** Ready STOPs, kept on add and poll so stats need not scan. */
  private int stops;

  private ArrayDeque<Item> dequeOf(Item item) {
    if (item.kind != ItemKind.TASK) {
      return any;
    }
    return byHandler.computeIfAbsent(item.handler, h -> new ArrayDeque<>());
  }

  void addLast(Item item) {
    dequeOf(item).addLast(item);
    size++;
    countStop(item, 1);
  }

  /** Back to the front: for items handed back, which are older than everything still ready. */
  void addFirst(Item item) {
    dequeOf(item).addFirst(item);
    size++;
    countStop(item, 1);
  }

  /** The oldest item of all, for fetches and consumers that take anything. */
  Item pollFirst() {
    return pollFor(null);
  }

  /**
   * The oldest item a consumer offering {@code handlers} can take: a task for one of them, or a
   * non-task item. Null offers every handler. Null if there is none.
   */
  Item pollFor(Set<String> handlers) {
    ArrayDeque<Item> best = any.isEmpty() ? null : any;
    if (handlers == null) {
      for (ArrayDeque<Item> d : byHandler.values()) {
        best = older(best, d);
      }
    } else if (handlers.size() < byHandler.size()) {
      for (String h : handlers) {
        best = older(best, byHandler.get(h));
      }
    } else {
      for (Map.Entry<String, ArrayDeque<Item>> e : byHandler.entrySet()) {
        if (handlers.contains(e.getKey())) {
          best = older(best, e.getValue());
        }
      }
    }
    if (best == null) {
      return null;
    }
    Item item = best.pollFirst();
    size--;
    countStop(item, -1);
    if (best != any && best.isEmpty()) {
      byHandler.remove(item.handler);
    }
    return item;
  }

  private static ArrayDeque<Item> older(ArrayDeque<Item> best, ArrayDeque<Item> candidate) {
    if (candidate == null || candidate.isEmpty()) {
      return best;
    }
    if (best == null || candidate.peekFirst().seq < best.peekFirst().seq) {
      return candidate;
    }
    return best;
  }

  private void countStop(Item item, int delta) {
    if (item.kind == ItemKind.STOP) {
      stops += delta;
    }
  }

  /** Ready STOP sentinels. */
  int stops() {
    return stops;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** Ready tasks whose handler none of {@code offered} covers (null in it means "any"). */
  long waitingForHandler(java.util.Collection<Set<String>> offered) {
    if (offered.contains(null)) {
      return 0;
    }
    long n = 0;
    for (Map.Entry<String, ArrayDeque<Item>> e : byHandler.entrySet()) {
      if (offered.stream().noneMatch(h -> h.contains(e.getKey()))) {
        n += e.getValue().size();
      }
    }
    return n;
  }

  void forEach(Consumer<Item> action) {
    any.forEach(action);
    byHandler.values().forEach(d -> d.forEach(action));
  }

  /** Takes every ready item matching {@code filter} out, returning them oldest first. */
  List<Item> removeIf(Predicate<Item> filter) {
    List<Item> removed = new ArrayList<>();
    drain(any, filter, removed);
    for (Iterator<ArrayDeque<Item>> it = byHandler.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Item> d = it.next();
      drain(d, filter, removed);
      if (d.isEmpty()) {
        it.remove();
      }
    }
    removed.sort(Comparator.comparingLong(i -> i.seq));
    return removed;
  }

  private void drain(ArrayDeque<Item> d, Predicate<Item> filter, List<Item> into) {
    for (Iterator<Item> it = d.iterator(); it.hasNext(); ) {
      Item i = it.next();
      if (filter.test(i)) {
        it.remove();
        size--;
        countStop(i, -1);
        into.add(i);
      }
    }
  }

  /** The first {@code n} items in delivery order (oldest first), left where they are. */
  List<Item> first(int n) {
    List<Iterator<Item>> sources = new ArrayList<>();
    List<Item> heads = new ArrayList<>();
    for (ArrayDeque<Item> d : allDeques()) {
      Iterator<Item> it = d.iterator();
      if (it.hasNext()) {
        sources.add(it);
        heads.add(it.next());
      }
    }
    List<Item> out = new ArrayList<>(Math.min(n, size));
    while (out.size() < n) {
      int best = -1;
      for (int k = 0; k < heads.size(); k++) {
        if (heads.get(k) != null && (best < 0 || heads.get(k).seq < heads.get(best).seq)) {
          best = k;
        }
      }
      if (best < 0) {
        break;
      }
      out.add(heads.get(best));
      Iterator<Item> it = sources.get(best);
      heads.set(best, it.hasNext() ? it.next() : null);
    }
    return out;
  }

  /** Takes {@code item} out if it is ready here; false if it is not. */
  boolean remove(Item item) {
    ArrayDeque<Item> d = item.kind == ItemKind.TASK ? byHandler.get(item.handler) : any;
    if (d == null || !d.remove(item)) {
      return false;
    }
    size--;
    countStop(item, -1);
    if (d != any && d.isEmpty()) {
      byHandler.remove(item.handler);
    }
    return true;
  }

  private List<ArrayDeque<Item>> allDeques() {
    List<ArrayDeque<Item>> all = new ArrayList<>(byHandler.size() + 1);
    all.add(any);
    all.addAll(byHandler.values());
    return all;
  }
}
