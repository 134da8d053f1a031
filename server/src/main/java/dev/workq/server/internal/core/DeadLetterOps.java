package dev.workq.server.internal.core;

import dev.workq.protocol.DeadLetter;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeadLettersReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Lists, requeues and purges a queue's dead letters. Core thread only. */
final class DeadLetterOps {

  private DeadLetterOps() {}

  /** Items listed when a LIST names no limit. */
  static final int DEFAULT_LIMIT = 100;

  /**
   * Carries out {@code request}. A LIST stops at its limit, and before its payloads would add up to
   * {@code maxBytes}, so the answer always fits a frame.
   */
  static DeadLettersReply apply(Failures failures, QueueState q, DeadLetters request, int maxBytes) {
    if (request.action() == DeadLetters.Action.LIST) {
      int limit = request.limit() == 0 ? DEFAULT_LIMIT : request.limit();
      long bytes = 0;
      List<DeadLetter> items = new ArrayList<>();
      for (Item i : q.dead.values()) {
        bytes += 2L * i.payload.length() + 256 + i.errors.stream().mapToLong(e -> 2L * e.length()).sum();
        if (items.size() >= limit || (bytes > maxBytes / 2 && !items.isEmpty())) {
          break;
        }
        items.add(new DeadLetter(i.id, i.handler, i.attempts, i.crashes, i.errors, new String(i.payload.bytes(), StandardCharsets.UTF_8)));
      }
      return new DeadLettersReply(request.corr(), q.name, q.dead.size(), items.size(), items);
    }
    Set<String> ids = new HashSet<>(request.ids());
    int count = 0;
    for (Iterator<Item> it = q.dead.values().iterator(); it.hasNext(); ) {
      Item dead = it.next();
      if (!ids.isEmpty() && !ids.contains(dead.id)) {
        continue;
      }
      it.remove();
      count++;
      if (request.action() == DeadLetters.Action.REQUEUE) {
        failures.requeueDead(q, dead);
      } else {
        failures.purgeDead(q, dead);
      }
    }
    if (request.action() == DeadLetters.Action.REQUEUE && count > 0) {
      failures.requeued(q);
    }
    return new DeadLettersReply(request.corr(), q.name, q.dead.size(), count, List.of());
  }
}
