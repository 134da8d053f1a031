package dev.workq.worker.internal;

import dev.workq.client.WorkqClient;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Renews the leases of the tasks a worker holds, running or waiting, by heartbeat: each lease is
 * renewed once a third of it has passed, so a long task is never taken from a healthy worker. If
 * the whole process stalls (a stop signal, a long pause), renewals stop and the broker takes the
 * tasks back when their leases run out. A delivery the broker revokes (its task was cancelled) is
 * no longer renewed: the broker does not hold it any more.
 */
public final class LeaseKeeper implements AutoCloseable {

  /** How often the heartbeat looks for leases due for renewal. */
  static final long TICK_MS = 50;

  private final java.util.function.Consumer<long[]> renew;
  private final Map<Long, Held> held = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("workq-heartbeat", true));

  private static final class Held {
    final long leaseMs;
    volatile long renewedAt = System.nanoTime();

    Held(long leaseMs) {
      this.leaseMs = leaseMs;
    }
  }

  public LeaseKeeper(WorkqClient client) {
    this(client::renewLeases);
  }

  /** Renews through {@code renew} (tags due), for tests without a broker. */
  LeaseKeeper(java.util.function.Consumer<long[]> renew) {
    this.renew = renew;
    timer.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  public void hold(WorkItem d) {
    if (d.leaseMs() > 0) {
      held.put(d.tag(), new Held(d.leaseMs()));
      d.onRevoke(() -> held.remove(d.tag()));
    }
  }

  /** Whether {@code tag} is being renewed. */
  boolean renewing(long tag) {
    return held.containsKey(tag);
  }

  public void release(WorkItem d) {
    held.remove(d.tag());
  }

  private void tick() {
    long now = System.nanoTime();
    long[] due = held.entrySet().stream()
        .filter(e -> now - e.getValue().renewedAt >= TimeUnit.MILLISECONDS.toNanos(e.getValue().leaseMs / 3))
        .mapToLong(e -> {
          e.getValue().renewedAt = now;
          return e.getKey();
        })
        .toArray();
    if (due.length > 0) {
      renew.accept(due);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
