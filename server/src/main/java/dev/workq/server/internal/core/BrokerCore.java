package dev.workq.server.internal.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workq.protocol.Ack;
import dev.workq.protocol.Cancel;
import dev.workq.protocol.CancelOk;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.DeleteQueue;
import dev.workq.protocol.DeleteQueueOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.FetchEmpty;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Json;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueNames;
import dev.workq.protocol.Release;
import dev.workq.protocol.Renew;
import dev.workq.protocol.Request;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import dev.workq.server.internal.journal.JournalOptions;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's state and the one thread that owns it. Every queue, consumer, lease and dead letter
 * is read and changed only on the core thread, so no state needs a lock; I/O threads hand
 * requests in with {@link #submit} and the core answers through each session's write queue.
 * Nothing here blocks: a fetch that waits, a lease and a retry backoff are timers.
 *
 * <p>Durability: a put becomes visible, and is confirmed, only once its journal record is durable
 * under the fsync policy. Other changes (completions, acks, dead letters) apply at once and are
 * journaled behind; if one is lost in a crash, the task it concerned is simply delivered again.
 * Deliveries are not journaled: after a restart every task that was in flight is ready again.
 */
public final class BrokerCore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);
  /** How often leases, retry backoffs and compaction are checked. */
  private static final long TICK_MS = 25;
  /** Bits of a tag below the epoch: a trillion deliveries per broker run. */
  private static final int TAG_EPOCH_SHIFT = 40;

  private final DefaultEventLoop thread = new DefaultEventLoop(new DefaultThreadFactory("workq-core", true));
  private final CoreConfig config;
  private final Persistence persistence;
  private final String idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  private final Random jitter = new Random();
  private final InboundBudget inbound;
  private final RoundTrips roundTrips;
  private final FatalGuard guard = new FatalGuard();

  // Core thread only.
  private final Map<String, QueueState> queues = new HashMap<>();
  private final Set<Session> sessions = new LinkedHashSet<>();
  private final LeaseHeap leases = new LeaseHeap();
  private final PriorityQueue<Item> retries = new PriorityQueue<>(Comparator.comparingLong((Item i) -> i.notBefore));
  /** Puts written to the journal and not yet durable, so a compaction in between covers them. */
  private final Map<Long, Item> pendingPuts = new HashMap<>();
  private final long epoch;
  private long nextSeq;
  private long nextTag;
  private long nextConsumer = 1;
  private long nextId = 1;
  private long staleResults;
  private final Budgets budgets;
  /**
   * Set once the broker announces its shutdown: connections closing after that have not failed,
   * so what they hold is not counted against the tasks. It stays as the journal has it: ready.
   */
  private boolean shuttingDown;


  private BrokerCore(CoreConfig config, Persistence persistence, Recovered recovered, RoundTrips roundTrips) {
    this.config = config;
    this.roundTrips = roundTrips;
    this.inbound = new InboundBudget(config.maxPendingBytes());
    this.budgets = new Budgets(config);
    this.persistence = persistence;
    this.epoch = recovered.epoch() + 1;
    this.nextSeq = recovered.maxSeq() + 1;
    this.nextTag = epoch << TAG_EPOCH_SHIFT;
    for (Item item : recovered.items()) {
      restore(item);
    }
    persistence.appendQuietly(JournalRecords.epoch(epoch));
    thread.scheduleAtFixedRate(guarded(this::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * A core whose state lives in memory only. Its epoch is random, so lease tokens of one run are
   * not those of the last even without a journal to count runs.
   */
  public static BrokerCore inMemory(CoreConfig config) {
    return inMemory(config, null);
  }

  /** Like {@link #inMemory(CoreConfig)}, recording round trips into {@code meters} (null: nowhere). */
  public static BrokerCore inMemory(CoreConfig config, dev.workq.server.internal.BrokerMeters meters) {
    Recovered none = new Recovered();
    none.epoch(ThreadLocalRandom.current().nextInt(1 << 20));
    return new BrokerCore(config, Persistence.inMemory(), none, new RoundTrips(meters));
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
  public static BrokerCore durable(CoreConfig config, JournalOptions journal, long minCompactBytes,
      dev.workq.server.internal.BrokerMeters meters) throws IOException {
    Recovered recovered = new Recovered();
    long start = System.nanoTime();
    Persistence p = Persistence.open(journal, recovered, minCompactBytes);
    BrokerCore core = new BrokerCore(config, p, recovered, new RoundTrips(meters));
    log.info("recovered {} items from {} journal records in {} ms (broker epoch {})", recovered.items().size(),
        recovered.records(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), core.epoch);
    return core;
  }

  private void restore(Item item) {
    QueueState q = queue(item.queue);
    budgets.charge(q, item);
    if (item.state == Item.State.DEAD) {
      q.dead.put(item.seq, item);
    } else if (item.notBefore > 0) {
      retries.add(item);
      q.delayed++;
    } else {
      q.offerLast(item);
    }
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

  /** Every task the core thread runs goes through here (see {@link FatalGuard}). */
  private Runnable guarded(Runnable task) {
    return guard.guard(task, "core thread");
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
    return inbound;
  }

  /** Runs {@code task} on the core thread, guarded. */
  private void execute(Runnable task) {
    thread.execute(guarded(task));
  }

  /**
   * Runs {@code task} on the core thread exactly as a request's handling runs: for tests of what
   * happens when that fails (an Error stops the core). Not for anything else.
   */
  public void runForTest(Runnable task) {
    execute(task);
  }

  // ---- entry points, any thread ----

  /** Registers a session that completed its handshake. */
  public void open(Session session) {
    execute(() -> {
      sessions.add(session);
      log.debug("{} connected", session);
      if (shuttingDown) {
        session.send(shutdownNotice());
        session.closeAfterSent();
      }
    });
  }

  /**
   * Hands a request to the core, on the connection's I/O thread: counts it against the session's
   * and the broker's inbound limits first (which may stop reading from the connection), and back
   * out once it is handled.
   */
  public void submit(Session session, Message message) {
    long weight = Session.weight(message);
    session.requestQueued(weight);
    execute(() -> {
      try {
        if (!session.closed) {
          handle(session, message);
        }
      } catch (RuntimeException e) {
        log.error("failed to handle {} from {}", message.type(), session, e);
        long corr = message instanceof Request r ? r.corr() : 0;
        session.send(new ErrorReply(corr, ErrorCode.INTERNAL_ERROR, "broker failed to handle " + message.type() + ": " + e, false));
      } finally {
        session.requestDone(weight);
      }
    });
  }

  /** The connection's outbound buffer crossed a watermark. */
  public void writabilityChanged(Session session, boolean writable) {
    execute(() -> {
      session.writable = writable;
      if (writable) {
        rearm(session);
      }
    });
  }

  /** The connection closed: everything it held goes back to the front of its queue. */
  public void close(Session session) {
    execute(() -> closeNow(session));
  }

  /** A snapshot of the counters, computed on the core thread. */
  public CompletableFuture<StatsReply> stats() {
    CompletableFuture<StatsReply> f = new CompletableFuture<>();
    execute(() -> f.complete(statsNow(0)));
    return f;
  }

  /** Carries out a dead-letters request, as the protocol's DEAD_LETTERS does. */
  public CompletableFuture<dev.workq.protocol.DeadLettersReply> deadLetters(DeadLetters request) {
    CompletableFuture<dev.workq.protocol.DeadLettersReply> f = new CompletableFuture<>();
    execute(() -> f.complete(deadLettersNow(request)));
    return f;
  }

  /**
   * The session showed it is working after a lease expired: it renewed, completed, acked or
   * released a delivery (even one whose lease had expired: a late result comes from a peer that
   * works, if slowly). Its consumers may take deliveries again. Nothing else counts, a PING least
   * of all: a client's heartbeat thread pings by itself while the application above it is hung.
   */
  private void clearSuspicion(Session session) {
    if (session.suspect) {
      session.suspect = false;
      rearm(session);
    }
  }

  /** Something that kept every consumer of {@code session} from taking has passed: re-arm them and dispatch. */
  private void rearm(Session session) {
    for (Consumer c : new ArrayList<>(session.consumers.values())) {
      c.queue.consumers.arm(c);
      dispatch(c.queue);
    }
  }

  /** The whole stats, for the broker's own views, computed on the core thread. */
  private StatsReply statsNow(long corr) {
    return Stats.all(queues.values(), sessions, staleResults, persistence.sizeBytes());
  }

  /** A dead-letters request on the core thread; a queue that does not exist has none (and is not created). */
  private dev.workq.protocol.DeadLettersReply deadLettersNow(DeadLetters request) {
    QueueState q = queues.get(request.queue());
    return q == null
        ? new dev.workq.protocol.DeadLettersReply(request.corr(), request.queue(), 0, 0, List.of())
        : DeadLetterOps.apply(this, q, request, config.maxPayload());
  }

  /**
   * Pauses or resumes deliveries from {@code queue} (puts are still accepted). Completes with
   * false if there is no such queue.
   */
  public CompletableFuture<Boolean> setPaused(String queue, boolean paused) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    execute(() -> {
      QueueState q = queues.get(queue);
      if (q == null) {
        f.complete(false);
        return;
      }
      q.paused = paused;
      log.info("queue '{}' {}", queue, paused ? "paused" : "resumed");
      if (!paused) {
        dispatch(q);
      }
      f.complete(true);
    });
    return f;
  }

  /**
   * The stats, which queues are paused, and the journal's counters, for metrics and the dashboard.
   * The core only copies counters (linear in queues, unsorted); readers sort and encode on their
   * own threads.
   */
  public CompletableFuture<CoreSnapshot> snapshot() {
    CompletableFuture<CoreSnapshot> f = new CompletableFuture<>();
    execute(() -> f.complete(new CoreSnapshot(
        Stats.unsorted(queues.values(), sessions, staleResults, persistence.sizeBytes()),
        queues.values().stream().filter(q -> q.paused).map(q -> q.name).collect(java.util.stream.Collectors.toSet()),
        persistence.journalStats(), budgets.snapshot(queues.size(), inbound))));
    return f;
  }

  /**
   * Completes on the core thread once it has run everything queued before it, so a health check
   * can tell a serving core from a stuck one (by a deadline) or a stopped one (fails at once).
   */
  public CompletableFuture<Void> ping() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    try {
      thread.execute(() -> {
        if (guard.failure() != null) {
          f.completeExceptionally(new java.util.concurrent.RejectedExecutionException("the core stopped after a fatal error: "
              + guard.failure()));
        } else {
          f.complete(null);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /**
   * How many deliveries the lease timer tracks; always the number held by connections. Settled
   * deliveries must not linger in it (they would keep their payloads alive for a whole lease).
   */
  public CompletableFuture<Integer> leasesTracked() {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    execute(() -> f.complete(leases.size()));
    return f;
  }

  /** Tells every connected peer the broker is going away; completes once the notices are queued. */
  public CompletableFuture<Void> announceShutdown() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    execute(() -> {
      shuttingDown = true;
      for (Session s : sessions) {
        s.send(shutdownNotice());
        s.closeAfterSent();
      }
      f.complete(null);
    });
    return f;
  }

  private static ErrorReply shutdownNotice() {
    return new ErrorReply(0, ErrorCode.SHUTTING_DOWN, "the broker is shutting down", true);
  }

  // ---- requests ----

  private void handle(Session s, Message m) {
    if (m instanceof Put p) {
      put(s, p);
    } else if (m instanceof Complete c) {
      complete(s, c);
    } else if (m instanceof Ack a) {
      ack(s, a);
    } else if (m instanceof Renew r) {
      renew(s, r);
    } else if (m instanceof Consume c) {
      consume(s, c);
    } else if (m instanceof Cancel c) {
      cancel(s, c);
    } else if (m instanceof Release r) {
      release(s, r);
    } else if (m instanceof Fetch f) {
      fetch(s, f);
    } else if (m instanceof StatsRequest r) {
      stats(s, r);
    } else if (m instanceof DeadLetters d) {
      s.send(deadLettersNow(d));
    } else if (m instanceof DeleteQueue d) {
      s.send(deleteQueueNow(d));
    } else {
      s.send(new ErrorReply(0, ErrorCode.PROTOCOL_ERROR, m.type() + " is not a request", false));
    }
  }

  private void put(Session s, Put p) {
    String replyTo = p.replyTo();
    if (p.kind() == ItemKind.TASK && replyTo == null) {
      try {
        replyTo = QueueNames.doneQueueOf(p.queue());
      } catch (IllegalArgumentException e) {
        s.send(new ErrorReply(p.corr(), ErrorCode.INVALID_REQUEST, e.getMessage() + "; name a replyTo", false));
        return;
      }
    }
    if (p.payload().length() > config.maxPayload()) {
      s.send(new ErrorReply(p.corr(), ErrorCode.INVALID_REQUEST,
          "payload of " + p.payload().length() + " bytes is over the limit of " + config.maxPayload() + " bytes", false));
      return;
    }
    QueueState q = queueFor(s, p.queue(), p.corr());
    if (q == null) {
      return;
    }
    String id = p.id() != null ? p.id() : idPrefix + "-" + Long.toHexString(nextId++);
    int maxAttempts = p.maxAttempts() != null ? p.maxAttempts() : config.maxAttempts();
    long leaseMs = p.leaseMs() != null ? p.leaseMs() : config.leaseMs();
    Item item = new Item(nextSeq++, id, q.name, p.kind(), p.handler(), replyTo, maxAttempts, leaseMs, p.payload());
    ErrorReply refused = budgets.refusePut(q, item, p.corr());
    if (refused != null) {
      s.send(refused);
      dropIfUnused(q);
      return;
    }
    budgets.charge(q, item);
    q.pendingPuts++;
    pendingPuts.put(item.seq, item);
    persistence.append(JournalRecords.put(item), error -> onCore(() -> {
      q.pendingPuts--;
      pendingPuts.remove(item.seq);
      if (error != null) {
        budgets.refund(q, item);
        s.send(new ErrorReply(p.corr(), ErrorCode.STORAGE_ERROR,
            "the broker could not write the item to its journal (" + error.getMessage() + "); it was not accepted", false));
        dropIfUnused(q);
        return;
      }
      item.acceptedAtNanos = System.nanoTime();
      q.offerLast(item);
      s.send(new PutOk(p.corr(), id));
      dispatch(q);
    }));
  }

  private void consume(Session s, Consume c) {
    ErrorReply refused = budgets.refuseConsumer(s, c.corr());
    if (refused != null) {
      s.send(refused);
      return;
    }
    java.util.Set<String> handlers = null;
    if (s.isWorker()) {
      handlers = s.handlerSet(c.handlers() != null ? c.handlers() : s.hello().handlers());
      if (handlers == null) {
        s.send(new ErrorReply(c.corr(), ErrorCode.INVALID_REQUEST, "this connection offers too many handlers: at most "
            + Session.MAX_HANDLERS + " names in at most " + Session.MAX_HANDLER_SETS + " different lists", false));
        return;
      }
    }
    QueueState q = queueFor(s, c.queue(), c.corr());
    if (q == null) {
      return;
    }
    Consumer consumer = new Consumer(nextConsumer++, s, q, c.prefetch(), handlers);
    s.consumers.put(consumer.id, consumer);
    budgets.consumerAdded();
    q.consumers.add(consumer);
    s.send(new ConsumeOk(c.corr(), consumer.id));
    dispatch(q);
  }

  private void cancel(Session s, Cancel c) {
    Consumer consumer = s.consumers.remove(c.consumer());
    if (consumer == null) {
      s.send(new ErrorReply(c.corr(), ErrorCode.UNKNOWN_CONSUMER, "no consumer " + c.consumer() + " on this connection", false));
      return;
    }
    detach(consumer);
    s.send(new CancelOk(c.corr()));
  }

  private void fetch(Session s, Fetch f) {
    if (s.held.size() + s.waiters.size() >= s.maxUnacked) {
      s.send(new ErrorReply(f.corr(), ErrorCode.UNACKED_LIMIT, "this connection holds " + s.held.size() + " unacked deliveries and "
          + s.waiters.size() + " waiting fetches (max-unacked " + s.maxUnacked + "); ack or complete some first", false));
      return;
    }
    QueueState q = queueFor(s, f.queue(), f.corr());
    if (q == null) {
      return;
    }
    if (!q.ready.isEmpty() && q.waiters.isEmpty() && !q.paused) {
      deliver(s, null, f.corr(), q, q.ready.pollFirst());
      return;
    }
    FetchWaiter w = new FetchWaiter(s, q, f.corr());
    q.waiters.addLast(w);
    s.waiters.add(w);
    w.timeout = thread.schedule(guarded(() -> {
      if (!w.done) {
        w.done = true;
        q.waiters.remove(w);
        s.waiters.remove(w);
        s.send(new FetchEmpty(f.corr()));
        collectIfIdle(q);
      }
    }), f.timeoutMs(), TimeUnit.MILLISECONDS);
  }

  private void stats(Session s, StatsRequest r) {
    StatsReply page;
    try {
      page = Stats.page(r.corr(), r.cursor(), queues.values(), sessions, staleResults, persistence.sizeBytes(), config.statsPageBytes());
    } catch (IllegalArgumentException e) {
      s.send(new ErrorReply(r.corr(), ErrorCode.INVALID_REQUEST, e.getMessage(), false));
      return;
    }
    s.send(page);
  }

  private void ack(Session s, Ack a) {
    clearSuspicion(s);
    Delivery d = s.held.remove(a.tag());
    if (d == null) {
      stale(s, a.tag(), "ACK");
      return;
    }
    unhold(d);
    d.queue.completed++;
    roundTrips.finished(d.item);
    budgets.refund(d.queue, d.item);
    persistence.appendQuietly(JournalRecords.remove(d.item.seq));
    dispatch(d.queue);
    collectIfIdle(d.queue);
  }

  private void complete(Session s, Complete c) {
    clearSuspicion(s);
    Delivery d = s.held.remove(c.tag());
    if (d == null) {
      stale(s, c.tag(), "COMPLETE");
      return;
    }
    unhold(d);
    Item task = d.item;
    QueueState q = d.queue;
    if (c.result().length() > config.maxPayload()) {
      // Delivering it would overflow a frame, forever: record the task as failed instead.
      String error = "dev.workq.ResultTooLarge: result of " + c.result().length() + " bytes is over the limit of "
          + config.maxPayload() + " bytes";
      c = new Complete(c.tag(), false, error, true, lostResultOf(task, error));
    }
    if (c.ok()) {
      q.completed++;
      roundTrips.finished(task);
      budgets.refund(q, task);
      Item result = resultItem(task, c.result());
      persistence.appendQuietly(JournalRecords.replace(task.seq, result == null ? List.of() : List.of(result)));
      if (result != null) {
        QueueState done = queue(result.queue);
        budgets.charge(done, result);
        done.offerLast(result);
        dispatch(done);
      }
    } else {
      q.failed++;
      task.addError(c.error());
      if (c.permanent() || task.attempts >= task.maxAttempts || task.kind != ItemKind.TASK) {
        deadLetter(task, c.result());
      } else {
        retryLater(task);
      }
    }
    dispatch(q);
    collectIfIdle(q);
  }

  private void release(Session s, Release r) {
    clearSuspicion(s);
    Delivery d = s.held.remove(r.tag());
    if (d == null) {
      stale(s, r.tag(), "RELEASE");
      return;
    }
    unhold(d);
    d.queue.offerFirst(d.item);
    dispatch(d.queue);
  }

  private void renew(Session s, Renew r) {
    clearSuspicion(s);
    long now = System.nanoTime();
    for (long tag : r.tags()) {
      Delivery d = s.held.get(tag);
      if (d != null) {
        d.renew(now);
        leases.changed(d);
      }
    }
  }

  /**
   * Deletes a queue that nobody uses, with its items when forced (journaled), or answers why not
   * ({@link QueueState#refuseDeletion}).
   */
  private Message deleteQueueNow(DeleteQueue request) {
    QueueState q = queues.get(request.queue());
    if (q == null) {
      return new ErrorReply(request.corr(), ErrorCode.UNKNOWN_QUEUE, "no queue named '" + request.queue() + "'", false);
    }
    ErrorReply refused = q.refuseDeletion(request);
    if (refused != null) {
      return refused;
    }
    List<Item> doomed = new ArrayList<>();
    q.ready.forEach(doomed::add);
    doomed.addAll(q.dead.values());
    for (Iterator<Item> it = retries.iterator(); it.hasNext(); ) {
      Item i = it.next();
      if (i.queue.equals(q.name)) {
        doomed.add(i);
        it.remove();
      }
    }
    for (Item i : doomed) {
      budgets.refund(q, i);
      persistence.appendQuietly(JournalRecords.remove(i.seq));
    }
    removeQueue(q);
    log.info("queue '{}' deleted with {} items", q.name, doomed.size());
    return new DeleteQueueOk(request.corr(), q.name, doomed.size());
  }

  /** Carries out a queue deletion, as the protocol's DELETE_QUEUE does: completes with DELETE_QUEUE_OK or the ERROR refusing it. */
  public CompletableFuture<Message> deleteQueue(DeleteQueue request) {
    CompletableFuture<Message> f = new CompletableFuture<>();
    execute(() -> f.complete(deleteQueueNow(request)));
    return f;
  }

  /**
   * A result, ack or release for a lease this connection does not hold: the lease expired and the
   * task went to someone else, or the tag is from an earlier broker run. Rejected and counted, so
   * a task that ran twice puts one result on its done queue.
   */
  private void stale(Session s, long tag, String what) {
    staleResults++;
    s.send(new ErrorReply(0, ErrorCode.UNKNOWN_DELIVERY,
        what + " for delivery " + tag + " rejected: this connection holds no such lease (expired, or from an earlier broker run)", false));
  }

  // ---- dispatch ----

  /**
   * Hands ready items to waiting fetches first, then round robin to consumers with credit, each
   * getting the oldest item it can run: a worker only gets tasks for handlers it offers, so a task
   * nobody can run waits for a worker that can instead of failing.
   */
  void dispatch(QueueState q) {
    while (!q.ready.isEmpty() && !q.paused) {
      FetchWaiter w = q.waiters.pollFirst();
      if (w != null) {
        if (!w.done) {
          w.done = true;
          w.timeout.cancel(false);
          w.session.waiters.remove(w);
          deliver(w.session, null, w.corr, q, q.ready.pollFirst());
        }
        continue;
      }
      Consumer c = q.consumers.next();
      if (c == null) {
        return;
      }
      if (!c.canTake()) {
        continue;
      }
      Item item = q.ready.pollFor(c.handlers);
      if (item == null) {
        q.consumers.starve(c);
        continue;
      }
      deliver(c.session, c, 0, q, item);
      if (!c.cancelled) {
        q.consumers.requeue(c);
      }
    }
  }

  private void deliver(Session s, Consumer c, long corr, QueueState q, Item item) {
    item.attempts++;
    long tag = nextTag++;
    q.delivered++;
    boolean stop = item.kind == ItemKind.STOP;
    s.send(new Deliver(corr, c == null ? 0 : c.id, tag, q.name, item.kind, item.id, item.handler, item.replyTo,
        item.attempts, stop ? 0 : item.leaseMs, item.payload));
    if (stop) {
      // A STOP is consumed by its delivery, and it ends the consumer that took it: nothing after
      // the sentinel reaches that worker, just as multiprocessing's worker loop ends at STOP.
      q.completed++;
      budgets.refund(q, item);
      persistence.appendQuietly(JournalRecords.remove(item.seq));
      if (c != null) {
        s.consumers.remove(c.id);
        detach(c);
      }
      return;
    }
    Delivery d = new Delivery(tag, item, q, c, s, System.nanoTime());
    s.held.put(tag, d);
    leases.add(d);
    q.inFlight++;
    if (c != null) {
      c.held++;
    }
  }

  private void unhold(Delivery d) {
    leases.remove(d);
    d.queue.inFlight--;
    if (d.consumer != null) {
      d.consumer.held--;
      d.consumer.queue.consumers.arm(d.consumer);
    }
    Session s = d.session;
    if (!s.closed && s.held.size() == s.maxUnacked - 1) {
      // The connection was at its cap of unacked deliveries, which stalls its consumers of every
      // queue, not only this one: let each of them take again. Deferred, so that the request being
      // handled finishes first.
      execute(() -> rearm(s));
    }
  }

  private void detach(Consumer c) {
    c.cancelled = true;
    c.queue.consumers.remove(c);
    budgets.consumerRemoved();
    collectIfIdle(c.queue);
  }

  // ---- failures: retries, lost workers, dead letters ----

  private void retryLater(Item task) {
    Item retry = task.copy(nextSeq++);
    retry.notBefore = System.currentTimeMillis() + config.backoffMs(task.attempts, jitter);
    persistence.appendQuietly(JournalRecords.replace(task.seq, List.of(retry)));
    retries.add(retry);
    queue(retry.queue).delayed++;
  }

  /**
   * The holder of {@code d} is gone (connection closed, lease expired): the attempt counts, apart
   * from handler failures. The task goes back to the front of its queue, or to the dead letters if
   * it has used its attempts.
   */
  private void lost(Delivery d, String why) {
    Item item = d.item;
    QueueState q = d.queue;
    q.redelivered++;
    item.crashes++;
    item.addError("dev.workq.WorkerLost: " + why);
    if (item.kind == ItemKind.TASK && item.attempts >= item.maxAttempts) {
      deadLetter(item, null);
      return;
    }
    persistence.appendQuietly(JournalRecords.put(item));
    q.offerFirst(item);
  }

  /**
   * Moves a task to its queue's dead letters with its error history and, for a task, puts its
   * last error result on its done queue so whoever waits for it learns it failed.
   */
  void deadLetter(Item task, Payload lastResult) {
    Item dead = task.copy(nextSeq++);
    dead.state = Item.State.DEAD;
    dead.notBefore = 0;
    Item result = task.kind == ItemKind.TASK ? resultItem(task, lastResult != null && lastResult.length() > 0 ? lastResult : lostResult(task)) : null;
    persistence.appendQuietly(JournalRecords.replace(task.seq, result == null ? List.of(dead) : List.of(dead, result)));
    QueueState q = queue(task.queue);
    q.dead.put(dead.seq, dead);
    log.info("task {} on '{}' moved to the dead letters after {} attempts ({} lost workers): {}", task.id, q.name,
        task.attempts, task.crashes, task.errors.isEmpty() ? "-" : task.errors.get(task.errors.size() - 1));
    if (result != null) {
      QueueState done = queue(result.queue);
      budgets.charge(done, result);
      done.offerLast(result);
      dispatch(done);
    }
  }

  /** A result record for a task whose last attempt produced none (its worker was lost). */
  private static Payload lostResult(Item task) {
    return lostResultOf(task, task.errors.isEmpty() ? "dev.workq.WorkerLost" : task.errors.get(task.errors.size() - 1));
  }

  /** A failed result record the broker writes itself, for an attempt that produced no usable one. */
  private static Payload lostResultOf(Item task, String error) {
    ObjectNode r = Json.mapper().createObjectNode();
    r.put("id", task.id);
    r.put("ok", false);
    r.putNull("value");
    r.put("error", error);
    r.putNull("worker");
    r.put("attempts", task.attempts);
    r.put("elapsedMs", 0);
    return Payload.ofUtf8(r.toString());
  }

  private Item resultItem(Item task, Payload result) {
    if (task.replyTo == null) {
      return null;
    }
    return new Item(nextSeq++, task.id, task.replyTo, ItemKind.RESULT, null, null, config.maxAttempts(), config.leaseMs(), result);
  }

  /** Puts a dead letter back on its queue as a fresh task. */
  void requeueDead(QueueState q, Item dead) {
    Item fresh = new Item(nextSeq++, dead.id, dead.queue, dead.kind, dead.handler, dead.replyTo, dead.maxAttempts,
        dead.leaseMs, dead.payload);
    persistence.appendQuietly(JournalRecords.replace(dead.seq, List.of(fresh)));
    q.offerLast(fresh);
  }

  void purgeDead(QueueState q, Item dead) {
    budgets.refund(q, dead);
    persistence.appendQuietly(JournalRecords.remove(dead.seq));
  }

  // ---- timers ----

  private void tick() {
    inbound.flush();
    long now = System.nanoTime();
    Delivery d;
    while ((d = leases.peek()) != null && d.expiresAt - now <= 0) {
      d.session.held.remove(d.tag);
      d.session.suspect = true;
      unhold(d);
      d.queue.leaseExpired++;
      log.info("lease of task {} on '{}' held by {} expired after {} ms without renewal; the task goes back to the queue",
          d.item.id, d.queue.name, d.session, d.item.leaseMs);
      lost(d, "lease expired after " + d.item.leaseMs + " ms without renewal");
      dispatch(d.queue);
    }
    long wall = System.currentTimeMillis();
    Item due;
    while ((due = retries.peek()) != null && due.notBefore <= wall) {
      retries.poll();
      due.notBefore = 0;
      QueueState q = queue(due.queue);
      q.delayed--;
      q.offerLast(due);
      dispatch(q);
    }
    persistence.compactIfDue(this::liveRecords);
  }

  /** Every live item as journal records, for compaction. */
  private List<byte[]> liveRecords() {
    List<byte[]> records = new ArrayList<>();
    records.add(JournalRecords.epoch(epoch));
    for (QueueState q : queues.values()) {
      q.ready.forEach(i -> records.add(JournalRecords.put(i)));
      q.dead.values().forEach(i -> records.add(JournalRecords.put(i)));
    }
    for (Session s : sessions) {
      s.held.values().forEach(d -> records.add(JournalRecords.put(d.item)));
    }
    retries.forEach(i -> records.add(JournalRecords.put(i)));
    pendingPuts.values().forEach(i -> records.add(JournalRecords.put(i)));
    return records;
  }

  private void onCore(Runnable r) {
    if (thread.inEventLoop()) {
      r.run();
    } else {
      execute(r);
    }
  }

  private void closeNow(Session s) {
    if (s.closed || !sessions.remove(s)) {
      s.closed = true;
      return;
    }
    s.closed = true;
    if (shuttingDown) {
      return;
    }
    // Only the queues this connection touched need another look: with many queues, a closing
    // connection must not cost a pass over all of them.
    Set<QueueState> touched = new LinkedHashSet<>();
    for (Consumer c : s.consumers.values()) {
      c.cancelled = true;
      c.queue.consumers.remove(c);
      budgets.consumerRemoved();
      touched.add(c.queue);
    }
    s.consumers.clear();
    for (FetchWaiter w : s.waiters) {
      w.done = true;
      w.timeout.cancel(false);
      touched.add(w.queue);
    }
    s.waiters.clear();
    // Held items go back to the front of their queues in their original order: return them
    // newest first, each to the front.
    List<Delivery> held = new ArrayList<>(s.held.values());
    s.held.clear();
    held.sort(Comparator.comparingLong((Delivery d) -> d.item.seq).reversed());
    for (Delivery d : held) {
      unhold(d);
      lost(d, "worker connection lost");
      touched.add(d.queue);
    }
    if (!held.isEmpty()) {
      log.info("{} disconnected holding {} items: returned to their queues", s, held.size());
    }
    for (QueueState q : touched) {
      q.waiters.removeIf(w -> w.done);
      if (queues.get(q.name) == q) {
        dispatch(q);
        collectIfIdle(q);
      }
    }
    log.debug("{} disconnected", s);
  }

  /**
   * The queue named {@code name} for a request of {@code s}, created if needed, or null (after
   * answering QUEUE_LIMIT) if creating it would pass the broker's or the connection's queue cap.
   */
  private QueueState queueFor(Session s, String name, long corr) {
    QueueState q = queues.get(name);
    if (q != null) {
      return q;
    }
    ErrorReply refused = budgets.refuseQueue(s, queues.size(), name, corr);
    if (refused != null) {
      s.send(refused);
      return null;
    }
    q = queue(name);
    q.creator = s;
    s.queuesCreated++;
    return q;
  }

  QueueState queue(String name) {
    return queues.computeIfAbsent(name, QueueState::new);
  }

  private void collectIfIdle(QueueState q) {
    if (QueueNames.isReplyQueue(q.name) && q.idle()) {
      removeQueue(q);
    }
  }

  /** A request that would have created {@code q} was refused: drop it again if nothing else uses it. */
  private void dropIfUnused(QueueState q) {
    if (q.idle() && q.delivered == 0 && q.completed == 0) {
      removeQueue(q);
    }
  }

  private void removeQueue(QueueState q) {
    if (queues.remove(q.name, q) && q.creator != null) {
      q.creator.queuesCreated--;
      q.creator = null;
    }
  }

  @Override
  public void close() {
    thread.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    persistence.close();
  }

  static String utf8(Payload p) {
    return new String(p.bytes(), StandardCharsets.UTF_8);
  }
}
