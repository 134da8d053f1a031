package dev.workq.client;

import dev.workq.client.internal.Connection;
import dev.workq.client.internal.Logging;
import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Release;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * An item pushed to a consumer. The consumer holds it until it calls exactly one of {@link #ack()},
 * {@link #complete}, {@link #fail} or {@link #release()}; if the connection closes first, the
 * broker puts the item back at the front of its queue. On a worker's connection (whose HELLO says
 * it acks STOPs) a STOP is held too: ack it once you have acted on it; until then the broker keeps
 * it, and gives it back to the queue if the connection closes first. A plain client's STOP needs
 * no ack.
 *
 * <p>The broker may <b>revoke</b> a task delivery while it is held, when the task is cancelled:
 * {@link #isRevoked()} turns true, the {@link #onRevoke} callbacks run, and from then on ack,
 * complete, fail and release send nothing (the broker no longer holds the delivery and would
 * refuse them). Stop working on a revoked task; its result is not wanted.
 *
 * <p>Once the connection that made the delivery is lost, settling it sends nothing either: the
 * broker put the item back on its queue. In failover mode the client carries on with another
 * broker, which hands the item out again (possibly to this same consumer, under a new tag).
 */
public final class Delivery {

  private static final Logger log = Logging.logger(Delivery.class);

  private final Connection connection;
  private final Deliver deliver;
  /** The connection's link generation when this arrived: a later link's broker does not hold it. */
  private final int generation;
  /** Guarded by {@code this}: revoked, settled (acked, completed, failed or released), callbacks. */
  private boolean revoked;
  private boolean settled;
  private List<Runnable> onRevoke;

  Delivery(Connection connection, Deliver deliver) {
    this.connection = connection;
    this.deliver = deliver;
    this.generation = connection.generation();
    // Made on the event loop as the DELIVER is read, so a REVOKE read after it finds this.
    connection.onRevoke(deliver.tag(), this::revoked);
  }

  public long tag() {
    return deliver.tag();
  }

  public String queue() {
    return deliver.queue();
  }

  public ItemKind kind() {
    return deliver.kind();
  }

  public boolean isStop() {
    return deliver.kind() == ItemKind.STOP;
  }

  public String id() {
    return deliver.id();
  }

  public String handler() {
    return deliver.handler();
  }

  /** Deliveries of this item so far, this one included. */
  public int attempts() {
    return deliver.attempts();
  }

  public Payload payload() {
    return deliver.payload();
  }

  /** How long the lease lasts without renewal, in ms (0 for STOP). */
  public long leaseMs() {
    return deliver.leaseMs();
  }

  /** Whether the broker revoked this delivery (its task was cancelled): nothing more is sent for it. */
  public synchronized boolean isRevoked() {
    return revoked;
  }

  /**
   * Runs {@code action} once if the broker revokes this delivery, or at once (on this thread) if it
   * has already. Revocations arrive on the connection's I/O thread, which runs the action: it must
   * return quickly and never block. Not called once the delivery is acked, completed, failed or
   * released.
   */
  public void onRevoke(Runnable action) {
    if (action == null) {
      throw new IllegalArgumentException("action must not be null");
    }
    synchronized (this) {
      if (!revoked) {
        if (onRevoke == null) {
          onRevoke = new ArrayList<>(1);
        }
        onRevoke.add(action);
        return;
      }
    }
    action.run();
  }

  /** Done with the item: the broker forgets it. Nothing is sent if the delivery was revoked. */
  public void ack() {
    if (settle()) {
      connection.send(new Ack(deliver.tag()));
    }
  }

  /**
   * Done with a task that succeeded: the broker removes it and puts {@code result} on its done
   * queue. Nothing is sent if the delivery was revoked.
   */
  public void complete(byte[] result) {
    if (settle()) {
      connection.send(new Complete(deliver.tag(), true, null, false, Payload.wrap(result)));
    }
  }

  /**
   * A task attempt failed with {@code error}. The broker retries it after its backoff unless it has
   * used its attempts or {@code permanent} says retrying cannot help; then it goes to the dead
   * letters and {@code result} to its done queue. Nothing is sent if the delivery was revoked.
   */
  public void fail(String error, boolean permanent, byte[] result) {
    if (settle()) {
      connection.send(new Complete(deliver.tag(), false, error, permanent, Payload.wrap(result)));
    }
  }

  /**
   * A task attempt failed with {@code error} and may be retried, no sooner than {@code retryAfter}
   * from now (at most one day) instead of after the broker's backoff; unless it has used its
   * attempts, then it goes to the dead letters and {@code result} to its done queue. Nothing is
   * sent if the delivery was revoked.
   */
  public void fail(String error, Duration retryAfter, byte[] result) {
    if (retryAfter == null || retryAfter.isNegative() || retryAfter.toMillis() > Complete.MAX_RETRY_MS) {
      throw new IllegalArgumentException("retryAfter must be 0.." + Complete.MAX_RETRY_MS + " ms, got " + retryAfter);
    }
    if (settle()) {
      connection.send(new Complete(deliver.tag(), false, error, false, retryAfter.toMillis(), Payload.wrap(result)));
    }
  }

  /** Gives the item back unfinished: it goes to the front of its queue. Nothing is sent if the delivery was revoked. */
  public void release() {
    if (settle()) {
      connection.send(new Release(deliver.tag()));
    }
  }

  /**
   * Whether to send a settlement: not once revoked, nor once the connection that made the
   * delivery is gone (the broker gave the item back to its queue; after a failover the new broker
   * would refuse the old tag as stale). Later settlements still go, as before.
   */
  private boolean settle() {
    synchronized (this) {
      if (revoked) {
        return false;
      }
      if (!connection.holds(generation)) {
        log.debug("not settling delivery {} (task {}): the connection that made it is gone, and the item went back to its queue",
            deliver.tag(), dev.workq.protocol.Printable.escape(deliver.id()));
        return false;
      }
      settled = true;
    }
    connection.settled(deliver.tag());
    return true;
  }

  /** The connection read a REVOKE for this delivery: on its event loop. */
  private void revoked() {
    List<Runnable> actions;
    synchronized (this) {
      if (revoked || settled) {
        return;
      }
      revoked = true;
      actions = onRevoke == null ? List.of() : onRevoke;
      onRevoke = null;
    }
    for (Runnable a : actions) {
      try {
        a.run();
      } catch (RuntimeException e) {
        log.warn("revoke callback for task {} failed", dev.workq.protocol.Printable.escape(deliver.id()), e);
      }
    }
  }
}
