package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Put;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A queue's ready items: highest priority first, FIFO by seq within a priority, and within a
 * priority split by handler, so that a worker is handed the most urgent, oldest task it can run
 * without scanning past tasks for handlers it does not offer. Items that are not tasks (STOP,
 * values, results) go to anyone. A bitmask names the priorities that hold items, so a queue that
 * only ever sees priority 0 costs one mask test more than a queue without priorities. Each item
 * knows whether it is here ({@link Item#inReady}). Core thread only.
 */
final class ReadyItems {

  /** The items of one priority: the same split as a whole queue had before priorities. */
  private static final class Level {
    final ArrayDeque<Item> any = new ArrayDeque<>();
    final Map<String, ArrayDeque<Item>> byHandler = new HashMap<>();
    int size;

    ArrayDeque<Item> dequeOf(Item item) {
      if (item.kind != ItemKind.TASK) {
        return any;
      }
      return byHandler.computeIfAbsent(item.handler, h -> new ArrayDeque<>());
    }

    /** The deque holding the oldest item a consumer offering {@code handlers} (null: all) can take, or null. */
    ArrayDeque<Item> bestFor(Set<String> handlers) {
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
      return best;
    }

    void dropIfEmpty(ArrayDeque<Item> d, Item item) {
      if (d != any && d.isEmpty()) {
        byHandler.remove(item.handler);
      }
    }
  }

  private final Level[] levels = new Level[Put.MAX_PRIORITY + 1];
  /** Bit p is set while priority p holds items. */
  private int nonEmpty;
  private int size;
  /** Ready STOPs, kept on add and poll so stats need not scan. */
  private int stops;

  private Level levelFor(Item item) {
    Level l = levels[item.priority];
    if (l == null) {
      l = new Level();
      levels[item.priority] = l;
    }
    return l;
  }

  void addLast(Item item) {
    Level l = levelFor(item);
    l.dequeOf(item).addLast(item);
    added(l, item);
  }

  /** Back to the front of its priority: for items handed back, which are older than everything still ready. */
  void addFirst(Item item) {
    Level l = levelFor(item);
    l.dequeOf(item).addFirst(item);
    added(l, item);
  }

  private void added(Level l, Item item) {
    l.size++;
    nonEmpty |= 1 << item.priority;
    size++;
    item.inReady = true;
    countStop(item, 1);
  }

  private void removed(Level l, Item item) {
    if (--l.size == 0) {
      nonEmpty &= ~(1 << item.priority);
    }
    size--;
    item.inReady = false;
    countStop(item, -1);
  }

  /** The first item of all, for fetches and consumers that take anything. */
  Item pollFirst() {
    return pollFor(null);
  }

  /**
   * The first item a consumer offering {@code handlers} can take, in delivery order: a task for
   * one of them, or a non-task item. Null offers every handler. Null if there is none.
   */
  Item pollFor(Set<String> handlers) {
    for (int mask = nonEmpty; mask != 0; ) {
      int p = 31 - Integer.numberOfLeadingZeros(mask);
      mask &= ~(1 << p);
      Level l = levels[p];
      ArrayDeque<Item> best = l.bestFor(handlers);
      if (best != null) {
        Item item = best.pollFirst();
        removed(l, item);
        l.dropIfEmpty(best, item);
        return item;
      }
    }
    return null;
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

  /** Takes {@code item} out if it is ready here; whether it was. Linear in its deque. */
  boolean remove(Item item) {
    if (!item.inReady) {
      return false;
    }
    Level l = levels[item.priority];
    if (l == null) {
      return false;
    }
    ArrayDeque<Item> d = item.kind != ItemKind.TASK ? l.any : l.byHandler.get(item.handler);
    if (d == null || !d.removeFirstOccurrence(item)) {
      return false;
    }
    removed(l, item);
    l.dropIfEmpty(d, item);
    return true;
  }

  /** Takes out every ready item {@code test} accepts and returns them, in no particular order. */
  List<Item> removeIf(Predicate<Item> test) {
    List<Item> taken = new ArrayList<>();
    for (int p = 0; p < levels.length; p++) {
      Level l = levels[p];
      if (l == null || l.size == 0) {
        continue;
      }
      takeFrom(l, l.any, test, taken);
      for (Iterator<Map.Entry<String, ArrayDeque<Item>>> it = l.byHandler.entrySet().iterator(); it.hasNext(); ) {
        ArrayDeque<Item> d = it.next().getValue();
        takeFrom(l, d, test, taken);
        if (d.isEmpty()) {
          it.remove();
        }
      }
    }
    return taken;
  }

  private void takeFrom(Level l, ArrayDeque<Item> d, Predicate<Item> test, List<Item> taken) {
    for (Iterator<Item> it = d.iterator(); it.hasNext(); ) {
      Item item = it.next();
      if (test.test(item)) {
        it.remove();
        removed(l, item);
        taken.add(item);
      }
    }
  }

  /** The first {@code n} items in the order a consumer taking anything would get them. */
  List<Item> first(int n) {
    List<Item> out = new ArrayList<>(Math.min(n, size));
    for (int p = levels.length - 1; p >= 0 && out.size() < n; p--) {
      Level l = levels[p];
      if (l == null || l.size == 0) {
        continue;
      }
      List<Iterator<Item>> its = new ArrayList<>();
      List<Item> heads = new ArrayList<>();
      addHead(l.any, its, heads);
      for (ArrayDeque<Item> d : l.byHandler.values()) {
        addHead(d, its, heads);
      }
      while (out.size() < n && !heads.isEmpty()) {
        int best = 0;
        for (int k = 1; k < heads.size(); k++) {
          if (heads.get(k).seq < heads.get(best).seq) {
            best = k;
          }
        }
        out.add(heads.get(best));
        Iterator<Item> it = its.get(best);
        if (it.hasNext()) {
          heads.set(best, it.next());
        } else {
          heads.remove(best);
          its.remove(best);
        }
      }
    }
    return out;
  }

  private static void addHead(ArrayDeque<Item> d, List<Iterator<Item>> its, List<Item> heads) {
    Iterator<Item> it = d.iterator();
    if (it.hasNext()) {
      heads.add(it.next());
      its.add(it);
    }
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
  long waitingForHandler(Collection<Set<String>> offered) {
    if (offered.contains(null)) {
      return 0;
    }
    long n = 0;
    for (Level l : levels) {
      if (l == null) {
        continue;
      }
      for (Map.Entry<String, ArrayDeque<Item>> e : l.byHandler.entrySet()) {
        if (offered.stream().noneMatch(h -> h.contains(e.getKey()))) {
          n += e.getValue().size();
        }
      }
    }
    return n;
  }

  void forEach(Consumer<Item> action) {
    for (Level l : levels) {
      if (l != null) {
        l.any.forEach(action);
        l.byHandler.values().forEach(d -> d.forEach(action));
      }
    }
  }
}
