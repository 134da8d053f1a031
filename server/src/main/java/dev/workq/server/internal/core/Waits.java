package dev.workq.server.internal.core;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import java.util.HashMap;
import java.util.Map;

/**
 * How many waits (TASK_WAIT) and joins (QUEUE_JOIN) each connection has waiting, against the
 * per-connection cap, so neither can grow the broker's memory without bound. Whoever adds a
 * waiter acquires a slot and releases it when the waiter is answered or dropped; a closed
 * connection's count goes with it. It also keeps the total over all connections and the
 * refusals, for metrics. Core thread only.
 */
final class Waits {

  private final int max;
  private final Map<Session, int[]> counts = new HashMap<>();
  /** The sum of {@link #counts}, kept as it changes: a snapshot must not walk every connection. */
  private int total;
  private long refused;

  Waits(int max) {
    this.max = max;
  }

  /** Takes a slot for {@code s}; false, counted as a refusal, if it holds its maximum already. */
  boolean tryAcquire(Session s) {
    int[] n = counts.computeIfAbsent(s, k -> new int[1]);
    if (n[0] >= max) {
      refused++;
      return false;
    }
    n[0]++;
    total++;
    return true;
  }

  /** Gives back a slot of {@code s}. */
  void release(Session s) {
    int[] n = counts.get(s);
    if (n == null) {
      // Its connection closed first and took its slots along: nothing left to give back.
      return;
    }
    total--;
    if (--n[0] <= 0) {
      counts.remove(s);
    }
  }

  /** Waits {@code s} has now. */
  int held(Session s) {
    int[] n = counts.get(s);
    return n == null ? 0 : n[0];
  }

  /** {@code s} closed: its slots go. */
  void closed(Session s) {
    int[] n = counts.remove(s);
    if (n != null) {
      total -= n[0];
    }
  }

  /** Where the waits stand, for metrics. */
  CoreBudgets.WaitCounts snapshot() {
    return new CoreBudgets.WaitCounts(total, max, refused);
  }

  /** The WAIT_LIMIT refusal of request {@code corr}. */
  ErrorReply refusal(long corr) {
    return new ErrorReply(corr, ErrorCode.WAIT_LIMIT, "this connection has " + max + " task waits and queue joins waiting"
        + " (max-waits-per-connection " + max + "); let some finish first", false);
  }
}
