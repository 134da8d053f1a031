package dev.workq.server.internal.core;

import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeadLettersReply;
import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Request;
import dev.workq.protocol.Role;
import dev.workq.protocol.StatsReply;
import dev.workq.server.internal.BrokerMeters;
import dev.workq.server.internal.journal.JournalOptions;
import java.io.IOException;
import java.util.Random;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's state and the one thread that owns it. Every queue, consumer, lease and dead letter
 * is read and changed only on the core thread, so no state needs a lock; I/O threads hand
 * requests in with {@link #submit} and the core answers through each session's connection.
 * Nothing here blocks: a fetch that waits, a lease and a retry backoff are timers.
 *
 * <p>This class is the façade: the thread and the entry points; {@link CoreParts} wires the
 * parts and routes each request to the one that handles it. The parts own the concerns: {@link Queues}, {@link Intake} (puts, results),
 * {@link Dispatcher} (who gets what), {@link Leases}, {@link Outcomes} (ack, complete, release),
 * {@link Failures} (retries, dead letters), {@link Sessions}, {@link QueueOps} (purge, peek, close,
 * join, delete), {@link Snapshotter} (compaction), {@link StatsView}, and for tasks by id
 * {@link TaskIndex} (with the {@link Retained} results) and {@link TaskRequests} (status, wait,
 * cancel). Time and the thread are {@link CoreClock} and {@link CoreThread}, so tests
 * can drive the whole core synchronously.
 *
 * <p>Durability: a put becomes visible, and is confirmed, only once its journal record is durable
 * under the fsync policy. Other changes (completions, acks, dead letters) apply at once and are
 * journaled behind; if one is lost in a crash, the task it concerned is simply delivered again.
 * Deliveries are not journaled: after a restart every task that was in flight is ready again.
 */
public final class BrokerCore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);
  /** How often leases, retry backoffs and compaction are checked. */
  static final long TICK_MS = 25;

  /** Who the broker's own requests ({@link #request}) come from, in logs and stats. */
  private static final Hello INTERNAL_HELLO = new Hello(ProtocolVersion.CURRENT, Role.CLIENT, "broker-internal", "", 0, List.of());

  private final CoreThread thread;
  private final FatalGuard guard;
  private final AtomicLong internalRequests = new AtomicLong();
  private final CoreParts parts;
  private final long epoch;

  private BrokerCore(CoreConfig config, Persistence persistence, Recovered recovered, RoundTrips roundTrips,
      CoreThread thread, CoreClock clock, FatalGuard guard, Random jitter) {
    this.thread = thread;
    this.guard = guard;
    this.epoch = recovered.epoch() + 1;
    this.parts = new CoreParts(config, persistence, recovered, epoch, roundTrips, thread, clock, jitter);
    clock.scheduleAtFixedRate(parts::tick, TICK_MS);
  }

  /**
   * A core whose state lives in memory only. Its epoch is random, so lease tokens of one run are
   * not those of the last even without a journal to count runs.
   */
  public static BrokerCore inMemory(CoreConfig config) {
    return inMemory(config, null);
  }

  /** Like {@link #inMemory(CoreConfig)}, recording round trips into {@code meters} (null: nowhere). */
  public static BrokerCore inMemory(CoreConfig config, BrokerMeters meters) {
    return onEventLoop(config, Persistence.inMemory(), randomEpoch(), meters);
  }

  /** An in-memory core on the given thread and clock (tests drive both), its backoff jitter from {@code jitter}. */
  static BrokerCore inMemory(CoreConfig config, CoreThread thread, CoreClock clock, Random jitter) {
    return new BrokerCore(config, Persistence.inMemory(), randomEpoch(), RoundTrips.NONE, thread, clock, new FatalGuard(), jitter);
  }

  /** A core on the given thread and clock that writes to {@code persistence}, after restoring {@code recovered}: for tests. */
  static BrokerCore restored(CoreConfig config, Persistence persistence, Recovered recovered, CoreThread thread, CoreClock clock,
      Random jitter) {
    return new BrokerCore(config, persistence, recovered, RoundTrips.NONE, thread, clock, new FatalGuard(), jitter);
  }

  private static Recovered randomEpoch() {
    Recovered none = new Recovered();
    none.epoch(ThreadLocalRandom.current().nextInt(1 << 20));
    return none;
  }

  private static BrokerCore onEventLoop(CoreConfig config, Persistence persistence, Recovered recovered, BrokerMeters meters) {
    FatalGuard guard = new FatalGuard();
    EventLoopCore loop = new EventLoopCore(guard);
    return new BrokerCore(config, persistence, recovered, new RoundTrips(meters), loop, loop, guard, new Random());
  }

  /**
   * A core that journals to {@code journal}'s directory, after replaying what is there.
   *
   * @throws IOException if the journal cannot be opened or is corrupt (the message names the file
   *     and offset)
   */
  public static BrokerCore durable(CoreConfig config, JournalOptions journal, long minCompactBytes) throws IOException {
    return durable(config, journal, minCompactBytes, null);
  }

  /**
   * Like {@link #durable(CoreConfig, JournalOptions, long)}, recording round trips into
   * {@code meters} (null: nowhere).
   */
  public static BrokerCore durable(CoreConfig config, JournalOptions journal, long minCompactBytes, BrokerMeters meters)
      throws IOException {
    Recovered recovered = new Recovered();
    long start = System.nanoTime();
    Persistence p = Persistence.open(journal, recovered, minCompactBytes);
    BrokerCore core = onEventLoop(config, p, recovered, meters);
    log.info("recovered {} items from {} journal records in {} ms (broker epoch {})", recovered.items().size(),
        recovered.records(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), core.epoch);
    return core;
  }

  /**
   * A cluster leader's core: its state is a copy of {@code replica}, every state change goes to
   * {@code log}, and its epoch is at least {@code minEpoch} (the Raft term), so the delivery tags
   * of every leader differ from those of the leaders before it: a result for a delivery an earlier
   * leader made is refused as stale, never filed twice.
   */
  public static BrokerCore replicated(CoreConfig config, Replica replica, RecordLog log, long minEpoch, BrokerMeters meters)
      throws IOException {
    Recovered recovered = replica.copyForCore();
    recovered.epoch(minEpoch - 1);
    BrokerCore core = onEventLoop(config, Persistence.replicated(log), recovered, meters);
    BrokerCore.log.info("serving {} items from the replicated log (broker epoch {})", recovered.items().size(), core.epoch);
    return core;
  }

  /**
   * Called with the Error that stopped the core thread (an OutOfMemoryError, a StackOverflowError,
   * a bug). The core handles nothing after it; the broker is expected to stop.
   */
  public void onFatal(java.util.function.Consumer<Throwable> listener) {
    guard.onFatal(listener);
  }

  /** The Error that stopped the core, or null while it serves. */
  public Throwable failure() {
    return guard.failure();
  }

  /**
   * Stops the core for good after {@code e}, an Error that leaves the JVM in doubt off the core
   * thread (an I/O thread out of memory). Any thread; only the first call counts.
   */
  public void fail(Error e) {
    guard.fail(e, "thread " + Thread.currentThread().getName());
  }

  /** The broker-wide budget for bytes read from connections and waiting for this core. */
  public InboundBudget inboundBudget() {
    return parts.inbound;
  }

  /**
   * Runs {@code task} on the core thread exactly as a request's handling runs: for tests of what
   * happens when that fails (an Error stops the core). Not for anything else.
   */
  public void runForTest(Runnable task) {
    thread.execute(task);
  }

  /** Runs {@code supplier} on the core thread; its value completes the future. */
  private <T> CompletableFuture<T> ask(Supplier<T> supplier) {
    CompletableFuture<T> f = new CompletableFuture<>();
    thread.execute(() -> f.complete(supplier.get()));
    return f;
  }

  // ---- entry points, any thread ----

  /** Registers a session that completed its handshake. */
  public void open(Session session) {
    thread.execute(() -> parts.sessions.open(session));
  }

  /**
   * Hands the requests of one read to the core, on the connection's I/O thread, as one task. Each
   * was counted against the session's and the broker's inbound limits when it was read
   * ({@link Session#requestQueued}, which may stop reading from the connection), and is counted
   * back out once it is handled.
   */
  public void submit(Session session, List<Message> messages) {
    thread.execute(() -> {
      for (Message message : messages) {
        handleCounted(session, message);
      }
    });
  }

  /** As {@link #submit(Session, List)}, for one request not yet counted. */
  public void submit(Session session, Message message) {
    session.requestQueued(Session.weight(message));
    thread.execute(() -> handleCounted(session, message));
  }

  private void handleCounted(Session session, Message message) {
    long weight = Session.weight(message);
    try {
      if (!session.closed) {
        parts.handle(session, message);
      }
    } catch (RuntimeException e) {
      log.error("failed to handle {} from {}", message.type(), session, e);
      long corr = message instanceof Request r ? r.corr() : 0;
      session.send(new ErrorReply(corr, ErrorCode.INTERNAL_ERROR, "broker failed to handle " + message.type() + ": " + e, false));
    } finally {
      session.requestDone(weight);
    }
  }

  /** The connection's outbound buffer crossed a watermark. */
  public void writabilityChanged(Session session, boolean writable) {
    thread.execute(() -> {
      session.writable = writable;
      if (writable) {
        parts.dispatcher.rearm(session);
      }
    });
  }

  /** The connection closed: everything it held goes back to the front of its queue; its waits end. */
  public void close(Session session) {
    thread.execute(() -> {
      parts.closed(session);
    });
  }

  /** A snapshot of the counters, computed on the core thread. */
  public CompletableFuture<StatsReply> stats() {
    return ask(parts.statsView::all);
  }

  /**
   * Carries out {@code request} as if a client connection had sent it, for callers inside the
   * broker (the HTTP plane): completes with its answer, the reply message or the ERROR refusing
   * it. A request that waits (a task wait, a queue join) completes when its answer is made. The
   * caller's session is its own, unregistered, and counts against no connection's budgets but
   * the broker's.
   */
  public CompletableFuture<Message> request(Request request) {
    CompletableFuture<Message> answer = new CompletableFuture<>();
    Session caller = new Session("internal-" + internalRequests.incrementAndGet(),
        new InternalConnection(request.corr(), answer), INTERNAL_HELLO, Integer.MAX_VALUE, 1, parts.inbound);
    thread.execute(() -> {
      try {
        parts.handle(caller, (Message) request);
      } catch (RuntimeException e) {
        log.error("failed to handle internal {}", ((Message) request).type(), e);
        answer.completeExceptionally(e);
      }
    });
    return answer;
  }

  /** Carries out a dead-letters request, as the protocol's DEAD_LETTERS does. */
  public CompletableFuture<DeadLettersReply> deadLetters(DeadLetters request) {
    return ask(() -> parts.failures.deadLetters(request));
  }

  /** Carries out a queue deletion, as the protocol's DELETE_QUEUE does: completes with DELETE_QUEUE_OK or the ERROR refusing it. */
  public CompletableFuture<Message> deleteQueue(DeleteQueue request) {
    return ask(() -> parts.queueOps.delete(request));
  }

  /**
   * Pauses or resumes deliveries from {@code queue} (puts are still accepted). Completes with
   * false if there is no such queue.
   */
  public CompletableFuture<Boolean> setPaused(String queue, boolean paused) {
    return ask(() -> parts.dispatcher.setPaused(queue, paused));
  }

  /**
   * The stats, which queues are paused, and the journal's counters, for metrics and the dashboard.
   * The core only copies counters (linear in queues, unsorted); readers sort and encode on their
   * own threads.
   */
  public CompletableFuture<CoreSnapshot> snapshot() {
    return ask(parts.statsView::snapshot);
  }

  /**
   * Completes on the core thread once it has run everything queued before it, so a health check
   * can tell a serving core from a stuck one (by a deadline) or a stopped one (fails at once).
   */
  public CompletableFuture<Void> ping() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    try {
      thread.executeUnguarded(() -> {
        if (guard.failure() != null) {
          f.completeExceptionally(new RejectedExecutionException("the core stopped after a fatal error: " + guard.failure()));
        } else {
          f.complete(null);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /**
   * How many deliveries the lease timer tracks; always the number held by connections, apart from
   * STOPs (they have no lease). Settled
   * deliveries must not linger in it (they would keep their payloads alive for a whole lease).
   */
  public CompletableFuture<Integer> leasesTracked() {
    return ask(parts.leases::tracked);
  }

  /** Tells every connected peer the broker is going away; completes once the notices are queued. */
  public CompletableFuture<Void> announceShutdown() {
    return ask(() -> {
      parts.sessions.announceShutdown();
      return null;
    });
  }

  // ---- on the core thread ----

  /** What a compaction would write now. Core thread only: for tests. */
  Snapshotter.LiveState liveState() {
    return parts.liveState();
  }

  @Override
  public void close() {
    thread.shutdown();
    parts.persistence.close();
  }
}
