package dev.workq.server.internal.core;

import java.util.HashMap;
import java.util.Map;

/**
 * How many requests that wait (task waits, queue joins) each connection has at once, against
 * the cap per connection: a peer cannot park unbounded timers in the core. Core thread only.
 */
final class Waits {

  /** The default cap of waits per connection. */
  static final int DEFAULT_MAX_WAITS_PER_CONNECTION = 1024;

  private final int maxWaitsPerConnection;
  private final Map<Session, Integer> bySession = new HashMap<>();

  Waits(int maxWaitsPerConnection) {
    this.maxWaitsPerConnection = maxWaitsPerConnection;
  }

  /** The cap this counts against, for error messages. */
  int maxWaitsPerConnection() {
    return maxWaitsPerConnection;
  }

  /** Counts one more wait for {@code s}; false (nothing counted) if it has its maximum already. */
  boolean tryAcquire(Session s) {
    int n = bySession.getOrDefault(s, 0);
    if (n >= maxWaitsPerConnection) {
      return false;
    }
    bySession.put(s, n + 1);
    return true;
  }

  /** One wait of {@code s} ended (answered, timed out, or its connection closed). */
  void release(Session s) {
    bySession.computeIfPresent(s, (k, n) -> n <= 1 ? null : n - 1);
  }
}
