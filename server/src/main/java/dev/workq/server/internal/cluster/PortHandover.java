package dev.workq.server.internal.cluster;

import java.net.BindException;
import java.util.function.Supplier;

/**
 * Binding a port the node's other role let go a moment ago: the follower's listeners and the
 * leader's broker take turns on the same client and HTTP ports, and the OS may not have freed the
 * port yet when the next one binds. Only a {@code BindException} (as the cause) is tried again,
 * every 100 ms, 50 times; any other failure is not a race and is thrown at once.
 */
final class PortHandover {

  private static final int TRIES = 50;
  private static final long PAUSE_MS = 100;

  private PortHandover() {}

  /** What {@code bind} returns once it binds; its last failure after every try. */
  static <T> T bind(Supplier<T> bind) {
    RuntimeException last = null;
    for (int i = 0; i < TRIES; i++) {
      try {
        return bind.get();
      } catch (RuntimeException e) {
        if (!(e.getCause() instanceof BindException)) {
          throw e;
        }
        last = e;
        try {
          Thread.sleep(PAUSE_MS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }
}
