package dev.workq.server.internal.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work another thread hands the core one piece at a time but in bursts: the journal writer
 * confirming a group commit of hundreds of PUTs calls back once per record. Pieces queue here
 * and one core task runs everything queued, so a burst costs one hand-over to the core thread
 * instead of one each (a lock and, often, a wake-up). Pieces run in the order queued.
 */
final class CoreInbox {

  private final CoreThread thread;
  private final Queue<Runnable> pieces = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;

  CoreInbox(CoreThread thread) {
    this.thread = thread;
  }

  /** Runs {@code piece} on the core thread: at once when called there, else with the next drain. */
  void run(Runnable piece) {
    if (thread.inThread()) {
      piece.run();
      return;
    }
    pieces.add(piece);
    if (scheduled.compareAndSet(false, true)) {
      thread.execute(drain);
    }
  }

  private void drain() {
    do {
      Runnable piece;
      while ((piece = pieces.poll()) != null) {
        piece.run();
      }
      scheduled.set(false);
    } while (!pieces.isEmpty() && scheduled.compareAndSet(false, true));
  }
}
