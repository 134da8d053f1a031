package dev.workq.server.internal.core;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Cancel;
import dev.workq.protocol.CancelOk;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.FetchEmpty;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.QueueNames;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.Release;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.WorkerInfo;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's state and the one thread that owns it. Every queue, consumer and delivery is read
 * and changed only on the core thread, so no state needs a lock; I/O threads hand requests in
 * with {@link #submit} and the core answers through each session's write queue. Nothing here
 * blocks: a fetch that waits is a timer, not a parked thread.
 */
public final class BrokerCore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BrokerCore.class);

  private final DefaultEventLoop thread = new DefaultEventLoop(new DefaultThreadFactory("workq-core", true));
  private final int maxQueueLength;
  private final String idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);

  // Core thread only.
  private final Map<String, QueueState> queues = new HashMap<>();
  private final Set<Session> sessions = new LinkedHashSet<>();
  private long nextSeq = 1;
  private long nextTag = 1;
  private long nextConsumer = 1;
  private long nextId = 1;
  private long unknownDeliveries;

  public BrokerCore(int maxQueueLength) {
    this.maxQueueLength = maxQueueLength;
  }

  /** Registers a session that completed its handshake. Any thread. */
  public void open(Session session) {
    thread.execute(() -> {
      sessions.add(session);
      log.debug("{} connected", session);
    });
  }

  /** Hands a request to the core. Any thread; the session's pending count is already raised. */
  public void submit(Session session, Message message) {
    thread.execute(() -> {
      try {
        if (!session.closed) {
          handle(session, message);
        }
      } catch (RuntimeException e) {
        log.error("failed to handle {} from {}", message.type(), session, e);
        session.send(new ErrorReply(0, ErrorCode.INTERNAL_ERROR, "broker failed to handle " + message.type() + ": " + e, false));
      } finally {
        session.requestDone();
      }
    });
  }

  /** The connection's outbound buffer crossed a watermark. Any thread. */
  public void writabilityChanged(Session session, boolean writable) {
    thread.execute(() -> {
      session.writable = writable;
      if (writable) {
        for (Consumer c : session.consumers.values()) {
          dispatch(c.queue);
        }
      }
    });
  }

  /** The connection closed: everything it held goes back to the front of its queue. Any thread. */
  public void close(Session session) {
    thread.execute(() -> closeNow(session));
  }

  /** A snapshot of the counters, computed on the core thread. */
  public CompletableFuture<StatsReply> stats() {
    CompletableFuture<StatsReply> f = new CompletableFuture<>();
    thread.execute(() -> f.complete(statsNow(0)));
    return f;
  }

  private void handle(Session s, Message m) {
    if (m instanceof Put p) {
      put(s, p);
    } else if (m instanceof Consume c) {
      consume(s, c);
    } else if (m instanceof Cancel c) {
      cancel(s, c);
    } else if (m instanceof Ack a) {
      ack(s, a);
    } else if (m instanceof Complete c) {
      complete(s, c);
    } else if (m instanceof Release r) {
      release(s, r);
    } else if (m instanceof Fetch f) {
      fetch(s, f);
    } else if (m instanceof StatsRequest r) {
      s.send(statsNow(r.corr()));
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
    QueueState q = queue(p.queue());
    if (q.ready.size() >= maxQueueLength) {
      s.send(new ErrorReply(p.corr(), ErrorCode.QUEUE_FULL,
          "queue '" + q.name + "' holds " + q.ready.size() + " items (max-length " + maxQueueLength + ")", false));
      return;
    }
    String id = p.id() != null ? p.id() : idPrefix + "-" + Long.toHexString(nextId++);
    q.ready.addLast(new Item(nextSeq++, id, q.name, p.kind(), p.handler(), replyTo, p.payload()));
    s.send(new PutOk(p.corr(), id));
    dispatch(q);
  }

  private void consume(Session s, Consume c) {
    QueueState q = queue(c.queue());
    Consumer consumer = new Consumer(nextConsumer++, s, q, c.prefetch());
    s.consumers.put(consumer.id, consumer);
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
    QueueState q = queue(f.queue());
    FetchWaiter w = new FetchWaiter(s, f.corr());
    if (!q.ready.isEmpty() && q.waiters.isEmpty()) {
      w.done = true;
      deliver(s, null, f.corr(), q, q.ready.pollFirst());
      return;
    }
    q.waiters.addLast(w);
    s.waiters.add(w);
    w.timeout = thread.schedule(() -> {
      if (!w.done) {
        w.done = true;
        q.waiters.remove(w);
        s.waiters.remove(w);
        s.send(new FetchEmpty(f.corr()));
        collectIfIdle(q);
      }
    }, f.timeoutMs(), TimeUnit.MILLISECONDS);
  }

  private void ack(Session s, Ack a) {
    Delivery d = s.held.remove(a.tag());
    if (d == null) {
      unknownDelivery(s, a.tag());
      return;
    }
    settle(d);
  }

  private void complete(Session s, Complete c) {
    Delivery d = s.held.get(c.tag());
    if (d == null) {
      unknownDelivery(s, c.tag());
      return;
    }
    if (d.item().kind != ItemKind.TASK) {
      s.send(new ErrorReply(0, ErrorCode.INVALID_REQUEST,
          "delivery " + c.tag() + " is a " + d.item().kind + " item: ack it; COMPLETE is for tasks", false));
      return;
    }
    s.held.remove(c.tag());
    Item task = d.item();
    QueueState done = queue(task.replyTo);
    done.ready.addLast(new Item(nextSeq++, task.id, done.name, ItemKind.RESULT, null, null, c.result()));
    settle(d);
    dispatch(done);
  }

  private void release(Session s, Release r) {
    Delivery d = s.held.remove(r.tag());
    if (d == null) {
      unknownDelivery(s, r.tag());
      return;
    }
    unhold(d);
    d.queue().ready.addFirst(d.item());
    dispatch(d.queue());
  }

  private void unknownDelivery(Session s, long tag) {
    unknownDeliveries++;
    s.send(new ErrorReply(0, ErrorCode.UNKNOWN_DELIVERY, "delivery " + tag + " is not held by this connection", false));
  }

  private void settle(Delivery d) {
    unhold(d);
    d.queue().completed++;
    dispatch(d.queue());
    collectIfIdle(d.queue());
  }

  private void unhold(Delivery d) {
    d.queue().inFlight--;
    if (d.consumer() != null) {
      d.consumer().held--;
    }
  }

  /** Hands ready items to waiting fetches first, then round robin to consumers with credit. */
  private void dispatch(QueueState q) {
    while (!q.ready.isEmpty()) {
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
      Consumer c = q.nextConsumer();
      if (c == null) {
        return;
      }
      deliver(c.session, c, 0, q, q.ready.pollFirst());
    }
  }

  private void deliver(Session s, Consumer c, long corr, QueueState q, Item item) {
    item.attempts++;
    long tag = nextTag++;
    q.delivered++;
    s.send(new Deliver(corr, c == null ? 0 : c.id, tag, q.name, item.kind, item.id, item.handler,
        item.replyTo, item.attempts, item.payload));
    if (item.kind == ItemKind.STOP) {
      // A STOP is consumed by its delivery, and it ends the consumer that took it: nothing after
      // the sentinel reaches that worker, just as multiprocessing's worker loop ends at STOP.
      q.completed++;
      if (c != null) {
        s.consumers.remove(c.id);
        detach(c);
      }
      return;
    }
    s.held.put(tag, new Delivery(tag, item, q, c));
    q.inFlight++;
    if (c != null) {
      c.held++;
    }
  }

  private void detach(Consumer c) {
    c.cancelled = true;
    c.queue.consumers.remove(c);
    collectIfIdle(c.queue);
  }

  private void closeNow(Session s) {
    if (s.closed || !sessions.remove(s)) {
      s.closed = true;
      return;
    }
    s.closed = true;
    for (Consumer c : s.consumers.values()) {
      c.cancelled = true;
      c.queue.consumers.remove(c);
    }
    s.consumers.clear();
    for (FetchWaiter w : s.waiters) {
      w.done = true;
      w.timeout.cancel(false);
    }
    s.waiters.clear();
    // Put held items back at the front of their queues, keeping their original order.
    Map<QueueState, List<Item>> back = new HashMap<>();
    for (Delivery d : s.held.values()) {
      unhold(d);
      back.computeIfAbsent(d.queue(), k -> new ArrayList<>()).add(d.item());
    }
    s.held.clear();
    back.forEach((q, items) -> {
      items.sort(Comparator.comparingLong((Item i) -> i.seq).reversed());
      items.forEach(q.ready::addFirst);
      log.info("{} disconnected holding {} items of '{}': returned to the queue", s, items.size(), q.name);
    });
    for (QueueState q : new ArrayList<>(queues.values())) {
      q.waiters.removeIf(w -> w.done);
      dispatch(q);
      collectIfIdle(q);
    }
    log.debug("{} disconnected", s);
  }

  private QueueState queue(String name) {
    return queues.computeIfAbsent(name, QueueState::new);
  }

  private void collectIfIdle(QueueState q) {
    if (QueueNames.isReplyQueue(q.name) && q.idle()) {
      queues.remove(q.name);
    }
  }

  private StatsReply statsNow(long corr) {
    List<QueueStats> qs = new ArrayList<>();
    for (QueueState q : new TreeMap<>(queues).values()) {
      qs.add(new QueueStats(q.name, q.ready.size(), q.inFlight, q.consumers.size(), q.delivered, q.completed));
    }
    List<WorkerInfo> workers = new ArrayList<>();
    int clients = 0;
    for (Session s : sessions) {
      if (s.isWorker()) {
        workers.add(new WorkerInfo(s.hello().name(), s.hello().host(), s.hello().pid(), s.hello().handlers(), s.held.size()));
      } else {
        clients++;
      }
    }
    return new StatsReply(corr, qs, workers, clients);
  }

  long unknownDeliveries() {
    return unknownDeliveries;
  }

  @Override
  public void close() {
    thread.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
