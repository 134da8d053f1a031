package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.server.internal.BrokerMeters;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The items' round-trip latency, from acceptance ({@link Item#acceptedAtNanos}) to a successful
 * COMPLETE or an ACK, one timer per item kind. Core thread only; a record is a nanoTime and a
 * lock-free Micrometer timer update, so the HTTP plane reading the timers never holds the core up.
 * A STOP has no round trip (its ACK says a worker stopped, not how fast the broker served it); an
 * UNKNOWN item is never accepted.
 */
final class RoundTrips {

  /** Records nothing: for cores built without the broker's meters (tests). */
  static final RoundTrips NONE = new RoundTrips(null);

  /** By {@link ItemKind#ordinal()}; null where nothing is recorded. */
  private final Timer[] byKind = new Timer[ItemKind.values().length];

  RoundTrips(BrokerMeters meters) {
    if (meters == null) {
      return;
    }
    for (ItemKind kind : ItemKind.values()) {
      if (kind != ItemKind.STOP && kind != ItemKind.UNKNOWN) {
        byKind[kind.ordinal()] = meters.roundTripTimer(kind.name().toLowerCase(Locale.ROOT));
      }
    }
  }

  /** {@code item} was completed or acked now. */
  void finished(Item item) {
    Timer t = byKind[item.kind.ordinal()];
    if (t != null) {
      t.record(System.nanoTime() - item.acceptedAtNanos, TimeUnit.NANOSECONDS);
    }
  }
}
