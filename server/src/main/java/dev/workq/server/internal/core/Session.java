package dev.workq.server.internal.core;

import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.Printable;
import dev.workq.protocol.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connected peer after its HELLO. The fields below the marker belong to the core thread; the
 * pending counters (requests, and their bytes against the broker's {@link InboundBudget}) are how
 * the I/O thread and the core agree on inbound backpressure. It reaches its peer through a
 * {@link Connection}, so nothing here depends on Netty.
 */
public final class Session {

  private final String id;
  private final Connection connection;
  private final Hello hello;
  private final int maxPending;
  private final InboundBudget budget;
  /** The most distinct handler names one connection may offer, over all its consumers. */
  public static final int MAX_HANDLERS = dev.workq.protocol.Consume.MAX_HANDLERS;
  /** The most distinct handler lists one connection's consumers may offer (a worker has one). */
  public static final int MAX_HANDLER_SETS = 16;

  /** Deliveries this connection may hold unacked, over all its consumers and fetches. */
  final int maxUnacked;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean paused = new AtomicBoolean();
  /** Stopped reading because the broker-wide inbound budget is exceeded. */
  private final AtomicBoolean parked = new AtomicBoolean();

  // Core thread only.
  final Map<Long, Delivery> held = new LinkedHashMap<>();
  final Map<Long, Consumer> consumers = new HashMap<>();
  final List<FetchWaiter> waiters = new ArrayList<>();
  /** The distinct handler sets this connection's consumers offer, shared between them. */
  final Map<Set<String>, Set<String>> handlerSets = new HashMap<>();
  /** Every handler this connection offers, in the order first offered: for stats. */
  final Set<String> offered = new LinkedHashSet<>();
  /** Queues this connection's requests created that still exist. */
  int queuesCreated;
  boolean writable = true;
  boolean closed;
  /**
   * A lease this session held expired: it may be hung (stopped, partitioned, half-open). It gets
   * no more deliveries until it shows it is working: a renewal, a completion, an ack or a
   * release (late ones too). A PING does not count: a client's heartbeat thread pings on its own, also
   * when the application above it is hung.
   */
  boolean suspect;

  // Event loop only.
  private boolean unwritable;

  public Session(String id, Connection connection, Hello hello, int maxPending, int maxUnacked, InboundBudget budget) {
    this.id = id;
    this.connection = connection;
    this.hello = hello;
    this.maxPending = maxPending;
    this.maxUnacked = maxUnacked;
    this.budget = budget;
    hello.handlers().forEach(offered::add);
  }

  /**
   * What a request weighs against the inbound budget: its payload (a put's item, a completion's
   * result) plus a fixed allowance for its header and decoded form.
   */
  public static long weight(Message m) {
    return 256 + (m instanceof dev.workq.protocol.PayloadMessage pm && pm.payload() != null ? pm.payload().length() : 0);
  }

  public String id() {
    return id;
  }

  public Hello hello() {
    return hello;
  }

  /** Whether the peer acks the STOPs it takes ({@link Hello#STOP_ACK}), so the broker holds them until then. */
  boolean acksStops() {
    return hello.has(Hello.STOP_ACK);
  }

  public boolean isWorker() {
    return hello.role() == Role.WORKER;
  }

  /**
   * The shared set for a consumer offering {@code handlers}: consumers offering the same handlers
   * share one set, so many consumers cost no more than one. Null if it would take the connection
   * past {@link #MAX_HANDLERS} names or {@link #MAX_HANDLER_SETS} lists. Core thread only.
   */
  Set<String> handlerSet(List<String> handlers) {
    Set<String> wanted = Set.copyOf(handlers);
    Set<String> known = handlerSets.get(wanted);
    if (known != null) {
      return known;
    }
    if (handlerSets.size() >= MAX_HANDLER_SETS) {
      return null;
    }
    long fresh = wanted.stream().filter(h -> !offered.contains(h)).count();
    if (offered.size() + fresh > MAX_HANDLERS) {
      return null;
    }
    handlerSets.put(wanted, wanted);
    for (String h : handlers) {
      offered.add(h);
    }
    return wanted;
  }

  void send(Message message) {
    if (!closed) {
      connection.send(message);
    }
  }

  /**
   * Closes the connection once everything already sent to it has been written, so a last notice
   * (the shutdown error) is not cut off by the close.
   */
  void closeAfterSent() {
    connection.closeAfterSent();
  }

  /**
   * Called on the I/O thread for each request handed to the core. Past the limit the broker stops
   * reading from this connection until the core catches up, so a fast sender cannot grow the
   * core's inbox without bound.
   */
  public void requestQueued(long bytes) {
    if (pending.incrementAndGet() >= maxPending && paused.compareAndSet(false, true)) {
      updateAutoRead();
    }
    if (budget.add(bytes) && parked.compareAndSet(false, true)) {
      updateAutoRead();
      budget.parked(this);
    }
  }

  /** Called on the core thread after a request of {@code bytes} from this session is handled. */
  void requestDone(long bytes) {
    budget.release(bytes);
    if (pending.decrementAndGet() <= maxPending / 4 && paused.get()) {
      connection.execute(() -> {
        if (paused.compareAndSet(true, false)) {
          updateAutoRead();
        }
      });
    }
  }

  /** The inbound budget has room again: read again (unless held back for another reason). */
  void budgetRecovered() {
    connection.execute(() -> {
      if (parked.compareAndSet(true, false)) {
        updateAutoRead();
      }
    });
  }

  /**
   * Called on the event loop when the channel's outbound buffer crosses a watermark. A peer that
   * does not read what it is sent must not make the broker buffer answers without bound: while
   * the channel is unwritable the broker reads no more requests from it, so the answers waiting
   * are at most those of the requests already read (at most the pending limit). Deliveries stop
   * separately, in the core.
   */
  public void outboundWritable(boolean writable) {
    unwritable = !writable;
    updateAutoRead();
  }

  /** Event loop only: read while the core keeps up and the peer reads what we write. */
  private void updateAutoRead() {
    connection.setAutoRead(!paused.get() && !parked.get() && !unwritable);
  }

  @Override
  public String toString() {
    // The peer chose its name and host: escaped, as this goes into log lines.
    return hello.role().name().toLowerCase() + " " + Printable.escape(hello.name()) + " (" + Printable.escape(hello.host()) + ":"
        + hello.pid() + ", session " + id + ")";
  }
}
