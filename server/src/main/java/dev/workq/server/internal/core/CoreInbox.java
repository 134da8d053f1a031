package dev.workq.server.internal.core;

import dev.workq.protocol.transport.BurstExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work another thread hands the core one piece at a time but in bursts: the journal writer
 * confirming a group commit of hundreds of PUTs calls back once per record. The pieces reach the
 * core thread together, through a {@link BurstExecutor}: one core task per burst, not one each.
 */
final class CoreInbox {

  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final CoreThread thread;
  private final BurstExecutor bursts;

  CoreInbox(CoreThread thread) {
    this.thread = thread;
    this.bursts = new BurstExecutor(thread::execute, (piece, e) -> log.error("a journal confirmation failed on the core", e));
  }

  /** Runs {@code piece} on the core thread: at once when called there, else with the next burst. */
  void run(Runnable piece) {
    if (thread.inThread()) {
      piece.run();
    } else {
      bursts.execute(piece);
    }
  }
}
