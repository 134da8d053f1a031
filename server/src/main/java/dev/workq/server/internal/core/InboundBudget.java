package dev.workq.server.internal.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker-wide budget for bytes of requests read from connections and not yet handled by the
 * core: what a flood of large PUTs or COMPLETEs can make the broker hold before the core gets to
 * them. Past it, every connection that hands in a request stops reading until the core has
 * worked the total down to half the budget; connections are then resumed. Thread-safe.
 */
public final class InboundBudget {

  private final long max;
  private final AtomicLong bytes = new AtomicLong();
  private final ConcurrentLinkedQueue<Session> paused = new ConcurrentLinkedQueue<>();

  /** A budget of {@code maxBytes} (at least one request is always let through). */
  public InboundBudget(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    this.max = maxBytes;
  }

  public long maxBytes() {
    return max;
  }

  /** Bytes handed to the core and not yet handled. */
  public long bytes() {
    return bytes.get();
  }

  /** Counts {@code n} bytes in; true if the budget is now exceeded, so the caller should stop reading. */
  boolean add(long n) {
    return bytes.addAndGet(n) > max;
  }

  /** The caller stopped reading because of this budget: it is resumed when the budget recovers. */
  void parked(Session session) {
    paused.add(session);
    // The core may have drained everything between add() and here: do not park for nothing.
    if (!over()) {
      resumeAll();
    }
  }

  /** Counts {@code n} bytes out, resuming parked connections once the total is down to half. */
  void release(long n) {
    long now = bytes.addAndGet(-n);
    if (now <= max / 2 && !paused.isEmpty()) {
      resumeAll();
    }
  }

  boolean over() {
    return bytes.get() > max;
  }

  private void resumeAll() {
    Session s;
    while ((s = paused.poll()) != null) {
      s.budgetRecovered();
    }
  }
}
