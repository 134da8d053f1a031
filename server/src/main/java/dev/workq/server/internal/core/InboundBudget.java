package dev.workq.server.internal.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker-wide budget for bytes of requests read from connections and not yet handled by the
 * core: what a flood of large PUTs or COMPLETEs can make the broker hold before the core gets to
 * them. Past it, every connection that hands in a request stops reading until the core has
 * worked the total down to half the budget; connections are then resumed. Thread-safe.
 *
 * <p>The total is one counter shared by every I/O thread and the core, so each thread gathers
 * small amounts locally and moves them to it in steps of {@link #STEP} bytes (a request of a step
 * or more goes at once): a shared counter touched twice per request cost the round trip several
 * percent on two cores. The total is therefore exact to within a step per I/O thread and one for
 * the core, which is nothing next to the budget (default: an eighth of the heap).
 */
public final class InboundBudget {

  /** The most bytes a thread holds back from the shared total. */
  static final long STEP = 64 * 1024;

  private final long max;
  private final AtomicLong bytes = new AtomicLong();
  private final ConcurrentLinkedQueue<Session> paused = new ConcurrentLinkedQueue<>();
  /** Bytes an I/O thread counted in and has not moved to the total yet. */
  private final ThreadLocal<long[]> unsentIn = ThreadLocal.withInitial(() -> new long[1]);
  /** Bytes the core counted out and has not moved to the total yet; core thread only. */
  private long unsentOut;

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

  /** Bytes handed to the core and not yet handled, to within a step per thread. */
  public long bytes() {
    return Math.max(0, bytes.get());
  }

  /** Counts {@code n} bytes in (an I/O thread); true if the budget is now exceeded, so the caller should stop reading. */
  boolean add(long n) {
    long[] unsent = unsentIn.get();
    unsent[0] += n;
    if (unsent[0] < STEP) {
      return false;
    }
    long step = unsent[0];
    unsent[0] = 0;
    return bytes.addAndGet(step) > max;
  }

  /** The caller stopped reading because of this budget: it is resumed when the budget recovers. */
  void parked(Session session) {
    paused.add(session);
    // The core may have drained everything between add() and here: do not park for nothing.
    if (!over()) {
      resumeAll();
    }
  }

  /** Counts {@code n} bytes out (the core thread), resuming parked connections once the total is down to half. */
  void release(long n) {
    unsentOut += n;
    if (unsentOut >= STEP) {
      flush();
    }
  }

  /** Moves what the core counted out to the total; the core calls it on every tick, so a quiet core does not hold bytes back. */
  void flush() {
    if (unsentOut == 0) {
      return;
    }
    long now = bytes.addAndGet(-unsentOut);
    unsentOut = 0;
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
