package dev.workq.server.internal.core;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the core does about an Error: the first one stops it for good (one ERROR line, then the
 * broker's fatal listener), and every task the core thread runs afterwards is skipped, so nothing
 * is answered from a state that can no longer be trusted. A RuntimeException is not its business:
 * that is a bug in handling one request, answered where it happened. Thread-safe.
 */
final class FatalGuard {

  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private volatile Consumer<Throwable> listener = e -> { };
  private volatile Throwable failed;

  void onFatal(Consumer<Throwable> listener) {
    this.listener = listener;
  }

  /** The Error that stopped the core, or null while it serves. */
  Throwable failure() {
    return failed;
  }

  /** {@code task}, skipped once the core has failed, and failing it on an Error. */
  Runnable guard(Runnable task, String where) {
    return () -> {
      if (failed != null) {
        return;
      }
      try {
        task.run();
      } catch (Error e) {
        fail(e, where);
      }
    };
  }

  /** Stops the core after {@code e}, which happened on {@code where}; only the first call counts. */
  void fail(Error e, String where) {
    synchronized (this) {
      if (failed != null) {
        return;
      }
      failed = e;
    }
    try {
      log.error("the broker {} failed and the broker stops: {}", where, String.valueOf(e));
    } finally {
      listener.accept(e);
    }
  }
}
