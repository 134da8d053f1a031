package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One queue's consumers, indexed so that dispatch costs the same however many of them are idle.
 * A consumer is ARMED (in a round robin of those that may take), STARVING (it has credit but no
 * ready task is for its handlers; filed under each handler it offers) or IDLE (it cannot take
 * now). Dispatch only looks at armed consumers; an item that becomes ready wakes one starving
 * consumer that can run it; the events that give a consumer credit back re-arm it. Each
 * consumer moves at most once per such event, so neither 100,000 idle consumers nor workers
 * waiting for handlers nobody submits slow the others down. Core thread only.
 */
final class QueueConsumers {

  private final Set<Consumer> all = new LinkedHashSet<>();
  private final LinkedHashSet<Consumer> armed = new LinkedHashSet<>();
  /** Starving consumers, oldest first: woken by an item any consumer can take (a STOP, a result). */
  private final LinkedHashSet<Consumer> starving = new LinkedHashSet<>();
  /** Starving consumers by each handler they offer. */
  private final Map<String, LinkedHashSet<Consumer>> starvingByHandler = new HashMap<>();

  void add(Consumer c) {
    all.add(c);
    arm(c);
  }

  void remove(Consumer c) {
    all.remove(c);
    leave(c);
  }

  int size() {
    return all.size();
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  Iterable<Consumer> all() {
    return all;
  }

  /** Puts {@code c} in the round robin if it can take and is not already there or starving. */
  void arm(Consumer c) {
    // A consumer leaves this index only when cancelled, so its flag says whether it is still here.
    if (c.standing == Consumer.Standing.IDLE && !c.cancelled && c.canTake()) {
      c.standing = Consumer.Standing.ARMED;
      armed.add(c);
    }
  }

  /** The next armed consumer in round-robin order, taken out of the round robin; null if none. */
  Consumer next() {
    Iterator<Consumer> it = armed.iterator();
    if (!it.hasNext()) {
      return null;
    }
    Consumer c = it.next();
    it.remove();
    c.standing = Consumer.Standing.IDLE;
    return c;
  }

  /** After {@code c} took an item: back to the end of the round robin if it can take more. */
  void requeue(Consumer c) {
    arm(c);
  }

  /** {@code c} found nothing for its handlers: it waits for an item it can run. */
  void starve(Consumer c) {
    if (c.standing != Consumer.Standing.IDLE) {
      return;
    }
    if (c.handlers == null) {
      // Takes anything: it only finds nothing when nothing is ready, and dispatch stops then.
      arm(c);
      return;
    }
    c.standing = Consumer.Standing.STARVING;
    starving.add(c);
    for (String h : c.handlers) {
      starvingByHandler.computeIfAbsent(h, k -> new LinkedHashSet<>()).add(c);
    }
  }

  /**
   * {@code item} became ready: arm the oldest starving consumer that can run it and can take
   * now. Starving consumers found unable to take are set idle on the way.
   */
  void wake(Item item) {
    LinkedHashSet<Consumer> candidates = item.kind == ItemKind.TASK ? starvingByHandler.get(item.handler) : starving;
    Consumer c;
    while (candidates != null && (c = firstFor(candidates, item)) != null) {
      leave(c);
      if (c.canTake()) {
        arm(c);
        return;
      }
    }
  }

  /** The oldest of {@code candidates} that would take {@code item}: a results-only consumer takes only results. */
  private static Consumer firstFor(LinkedHashSet<Consumer> candidates, Item item) {
    for (Consumer c : candidates) {
      if (!c.resultsOnly || item.kind == ItemKind.RESULT) {
        return c;
      }
    }
    return null;
  }

  /** Takes {@code c} out of the round robin and the starving sets; it is idle afterwards. */
  private void leave(Consumer c) {
    switch (c.standing) {
      case ARMED -> armed.remove(c);
      case STARVING -> {
        starving.remove(c);
        for (String h : c.handlers) {
          LinkedHashSet<Consumer> set = starvingByHandler.get(h);
          if (set != null && set.remove(c) && set.isEmpty()) {
            starvingByHandler.remove(h);
          }
        }
      }
      case IDLE -> { }
    }
    c.standing = Consumer.Standing.IDLE;
  }
}
