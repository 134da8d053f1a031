package dev.workq.client.internal;

import dev.workq.client.ClientOptions;
import dev.workq.client.ConnectionClosedException;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqException;
import dev.workq.protocol.Cancel;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Printable;
import dev.workq.protocol.Release;
import dev.workq.protocol.Revoke;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;

/**
 * A client's session with the broker: it matches requests to answers by correlation id, routes
 * pushed deliveries to their consumer and a REVOKE to the delivery it takes back. The bytes go
 * over a {@link Link} (one TCP connection, dialed by {@link Dialer}); outbound messages from any
 * thread go through the link's write queue, inbound ones are handled on its event loop.
 *
 * <p>With {@link ClientOptions#failover()} off a lost link ends the session, failing what waits
 * on it. On, a lost link is replaced ({@link #failOver}): the brokers are dialed again, every
 * unanswered request is sent again as it was (PUTs carry ids the client chose, so the broker's
 * retry rule makes that safe), every subscription is re-opened into the same sink, and the
 * deliveries of the old link are void (see {@link #holds}): the broker gave them back to their
 * queue. Only when no broker answers within {@link ClientOptions#failoverTimeout()} does the
 * session end.
 */
public final class Connection {

  private static final Logger log = Logging.logger(Connection.class);

  private final ClientOptions options;
  private final Identity identity;
  private final EventLoopGroup group;
  private final Brokers brokers;
  private final boolean failover;
  private final AtomicLong corrs = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  /** Deliveries' sinks by the consumer id the current link's broker gave them. */
  private final Map<Long, DeliverySink> consumers = new ConcurrentHashMap<>();
  /** Open subscriptions, by the consumer id of their first CONSUME_OK (what {@code Subscription.id()} says). */
  private final Map<Long, Subscribed> subscriptions = new ConcurrentHashMap<>();
  /** CONSUMEs waiting for their CONSUME_OK, by corr. */
  private final Map<Long, Subscribed> pendingSinks = new ConcurrentHashMap<>();
  /** What to do if the broker revokes a delivery this connection holds, by tag (see {@link #onRevoke}). */
  private final Map<Long, Runnable> revocable = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  /** Set once by {@link #end}: the client's close and its link's may both get there. */
  private final AtomicBoolean ended = new AtomicBoolean();
  /** Guards the switch from one link to the next against that link's own close. */
  private final Object linkLock = new Object();
  /** Item ids in failover mode: a random prefix for this client and a counter, both base 36. */
  private final String idPrefix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
  private final AtomicLong ids = new AtomicLong();
  private volatile Link link;
  /** Bumped each time a link is lost in failover mode: deliveries of an older generation are void. */
  private volatile int generation;
  /** Why the session ended, or null while it lives (in failover mode, also while it fails over). */
  private volatile String closeReason;
  /** Set by {@link #close()}: deliveries still arriving are dropped; the broker requeues them. */
  private volatile boolean closing;
  private volatile Thread failingOver;
  private volatile Consumer<ErrorReply> errorListener = e -> log.warn("broker: {}", Printable.escape(e.describe()));

  /** Where a consumer's deliveries go; called on the event loop, so it must not block. */
  public interface DeliverySink {
    void onDeliver(Deliver deliver);

    void onClose(String reason);
  }

  /** A request waiting for its answer, with the message to send again on a new link. */
  private static final class Pending {
    final CompletableFuture<Message> future;
    final Message message;
    /** The link it last went out on; guarded by {@code this}. */
    private Link sentOn;

    Pending(CompletableFuture<Message> future, Message message) {
      this.future = future;
      this.message = message;
    }

    /** Sends the request on {@code l} unless it went out there already (a request racing a failover). */
    synchronized void sendOn(Link l) {
      if (sentOn != l) {
        sentOn = l;
        l.send(message);
      }
    }
  }

  /** A subscription: what to send to re-open it, and its consumer id on the current link. */
  private static final class Subscribed {
    final String queue;
    final int prefetch;
    final DeliverySink sink;
    /** The id {@code Subscription} knows it by: the first CONSUME_OK's; 0 until then. */
    volatile long id;
    volatile long current;

    Subscribed(String queue, int prefetch, DeliverySink sink) {
      this.queue = queue;
      this.prefetch = prefetch;
      this.sink = sink;
    }
  }

  private Connection(ClientOptions options, Identity identity, EventLoopGroup group) {
    this.options = options;
    this.identity = identity;
    this.group = group;
    this.brokers = new Brokers(options.brokers());
    this.failover = options.failover();
  }

  /**
   * Connects and completes the handshake, or fails within the connect timeout with a
   * {@link WorkqException} that says what went wrong (see {@link Dialer}).
   */
  public static Connection open(ClientOptions options, Identity identity, EventLoopGroup group) {
    Connection c = new Connection(options, identity, group);
    c.link = Dialer.dial(options, identity, group, c.brokers, c, options.connectTimeout().toMillis(), false);
    return c;
  }

  /** This machine's host name, as workers report it in results. */
  public static String localHost() {
    return Dialer.localHost();
  }

  /**
   * An id for an item the caller gave none, in failover mode, so that the PUT can be sent again
   * after a failover and still be queued once; null otherwise (the broker chooses).
   */
  public String newItemId() {
    return failover ? idPrefix + "-" + Long.toString(ids.incrementAndGet(), 36) : null;
  }

  /** Sends a request built with a fresh correlation id; the future completes with its answer. */
  public CompletableFuture<Message> request(LongFunction<Message> build, long timeoutMs) {
    long corr = corrs.incrementAndGet();
    CompletableFuture<Message> f = new CompletableFuture<>();
    String reason = closeReason;
    if (reason != null) {
      f.completeExceptionally(new ConnectionClosedException(reason));
      return f;
    }
    Pending p = new Pending(f, build.apply(corr));
    pending.put(corr, p);
    RequestDeadlines.apply(f, timeoutMs, () -> pending.remove(corr));
    Link l = link;
    if (l.isOpen() || !failover) {
      p.sendOn(l);
    }
    // A close between the check above and put() would leave f waiting until its timeout.
    if (closeReason != null && pending.remove(corr) != null) {
      f.completeExceptionally(new ConnectionClosedException(closeReason));
    }
    return f;
  }

  /** Sends a message that has no answer; while failing over there is nowhere to send it, and it is dropped. */
  public void send(Message message) {
    link.send(message);
  }

  /**
   * Subscribes {@code sink} to {@code queue}. The sink is registered on the event loop as the
   * CONSUME_OK arrives, before any delivery that follows it is read, so none is missed. In
   * failover mode the subscription is re-opened on every new link until {@link #cancel}.
   */
  public CompletableFuture<Message> consume(String queue, int prefetch, DeliverySink sink, long timeoutMs) {
    return subscribe(new Subscribed(queue, prefetch, sink), timeoutMs);
  }

  private CompletableFuture<Message> subscribe(Subscribed s, long timeoutMs) {
    long[] sent = new long[1];
    return request(corr -> {
      sent[0] = corr;
      pendingSinks.put(corr, s);
      return new Consume(corr, s.queue, s.prefetch, identity.handlers());
    }, timeoutMs).whenComplete((m, e) -> pendingSinks.remove(sent[0]));
  }

  /**
   * Ends subscription {@code id}: no more deliveries reach its sink (those still arriving are
   * released), and it is not re-opened after a failover. A failover while the CANCEL is in flight
   * ends the subscription as well as the CANCEL would: the new broker never had it.
   */
  public CompletableFuture<Void> cancel(long id, long timeoutMs) {
    Subscribed s = subscriptions.remove(id);
    long current = s == null ? id : s.current;
    consumers.remove(current);
    int before = generation;
    return request(corr -> new Cancel(corr, current), timeoutMs).handle((m, e) -> {
      if (e != null && generation == before) {
        throw e instanceof RuntimeException r ? r : new WorkqException(e.getMessage(), e);
      }
      return null;
    });
  }

  /**
   * Runs {@code action} on the event loop if the broker revokes delivery {@code tag} (a REVOKE: its
   * task was cancelled), once, unless {@link #settled} comes first or the link closes. Held
   * deliveries are bounded by the consumers' prefetch, so this map is too.
   */
  public void onRevoke(long tag, Runnable action) {
    if (closeReason == null) {
      revocable.put(tag, action);
    }
  }

  /** Delivery {@code tag} was acked, completed or released: a REVOKE for it no longer applies. */
  public void settled(long tag) {
    revocable.remove(tag);
  }

  /** The link generation deliveries made now belong to; see {@link #holds}. */
  public int generation() {
    return generation;
  }

  /**
   * Whether a delivery made in {@code generation} is still held by the broker we talk to: false
   * once its link was replaced (the broker requeued it, and the new one would refuse its tag) or
   * lost for good; true while the client closes, which writes what was settled before the close.
   */
  public boolean holds(int generation) {
    return generation == this.generation && (closeReason == null || closing);
  }

  public void onError(Consumer<ErrorReply> listener) {
    this.errorListener = listener;
  }

  /** The broker the current (or last) link goes to, {@code HOST:PORT}. */
  public String address() {
    return link.address();
  }

  public boolean isOpen() {
    return closeReason == null && (failover || link.isOpen());
  }

  /** Completes when the session has closed: closed by the client, or lost (in failover mode: for good). */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Why the session closed, or null while it is open. */
  public String closeReason() {
    return closeReason;
  }

  /**
   * Closes gracefully: everything already sent (results, acks) is written first, then this side
   * half-closes and waits for the broker to close its side (see {@link Link#close}).
   */
  public void close() {
    closing = true;
    Link l;
    synchronized (linkLock) {
      l = link;
      if (closeReason == null) {
        closeReason = "connection to " + l.address() + " closed by the client";
      }
    }
    Thread t = failingOver;
    if (t != null) {
      t.interrupt();
    }
    l.close(closeReason);
    end(closeReason);
  }

  // Event-loop side, called by the current link.

  void received(Link from, Message m) {
    if (from != link) {
      return; // a link being dialed (nothing to say yet) or one replaced
    }
    if (m instanceof Deliver d) {
      received(from, d);
    } else if (m instanceof ErrorReply e) {
      received(e);
    } else if (m instanceof Revoke r) {
      received(r);
    } else {
      if (m instanceof ConsumeOk ok) {
        Subscribed s = pendingSinks.remove(ok.corr());
        if (s != null) {
          if (s.id == 0) {
            s.id = ok.consumer();
            subscriptions.put(s.id, s);
          }
          s.current = ok.consumer();
          consumers.put(ok.consumer(), s.sink);
        }
      }
      long corr = m instanceof dev.workq.protocol.Reply r ? r.corr() : 0;
      Pending p = corr == 0 ? null : pending.remove(corr);
      if (p != null) {
        p.future.complete(m);
      } else {
        log.debug("unexpected {} from broker", m.type());
      }
    }
  }

  private void received(Link from, Deliver d) {
    if (closing) {
      return;
    }
    if (d.corr() == 0) {
      DeliverySink sink = consumers.get(d.consumer());
      if (sink != null) {
        sink.onDeliver(d);
      } else if (d.kind() != ItemKind.STOP) {
        // The consumer was cancelled locally; hand the item back rather than sit on it.
        from.send(new Release(d.tag()));
      }
      return;
    }
    Pending p = pending.remove(d.corr());
    if ((p == null || !p.future.complete(d)) && d.kind() != ItemKind.STOP) {
      // The fetch timed out here before the item arrived: give it back.
      from.send(new Release(d.tag()));
    }
  }

  /** The broker took back a delivery whose task was cancelled; one not held (already settled) is ignored. */
  private void received(Revoke r) {
    Runnable action = revocable.remove(r.tag());
    if (action == null) {
      log.debug("REVOKE for delivery {} (task {}), which this connection no longer holds", r.tag(), Printable.escape(r.id()));
      return;
    }
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("revoke callback for task {} failed", Printable.escape(r.id()), e);
    }
  }

  private void received(ErrorReply e) {
    if (e.corr() != 0) {
      if (failover && (e.code() == ErrorCode.NOT_LEADER || e.code() == ErrorCode.SHUTTING_DOWN) && pending.containsKey(e.corr())) {
        // A leader stepping down, or a broker going away, refuses what it can no longer do: the
        // request waits for the next link and goes out again there.
        log.debug("{} refused request {}: {}; it goes to the next broker", link.address(), e.corr(), Printable.escape(e.describe()));
        return;
      }
      Pending p = pending.remove(e.corr());
      if (p != null) {
        p.future.completeExceptionally(new RemoteException(e.code(), e.message()));
      }
    } else if (!e.fatal()) {
      errorListener.accept(e);
    }
  }

  /** Link {@code l} closed (event loop): the session ends, or in failover mode a new link is dialed. */
  void linkClosed(Link l) {
    synchronized (linkLock) {
      if (l != link) {
        return; // a dial attempt that failed, or a link already replaced
      }
      // The broker gives every held delivery back on close: nothing is left to revoke, and the
      // consumer ids were that broker's.
      revocable.clear();
      consumers.clear();
      if (!failover || closing) {
        if (closeReason == null) {
          closeReason = l.closeReason();
        }
      } else {
        generation++;
        log.warn("{}; failing over to another broker of {} (for up to {} s)", Printable.escape(l.closeReason()), brokers,
            options.failoverTimeout().toSeconds());
        Thread t = new Thread(() -> failOver(l), "workq-failover");
        t.setDaemon(true);
        failingOver = t;
        t.start();
        return;
      }
    }
    end(closeReason);
  }

  /** Dials the brokers again for up to the failover timeout (own thread); then resumes, or ends the session. */
  private void failOver(Link lost) {
    Link next;
    try {
      next = Dialer.dial(options, identity, group, brokers, this, options.failoverTimeout().toMillis(), true);
    } catch (WorkqException e) {
      String reason = closing ? closeReason : "lost the connection to " + lost.address() + " and found no broker to fail over to: "
          + e.getMessage();
      synchronized (linkLock) {
        if (closeReason == null) {
          closeReason = reason;
        }
      }
      failingOver = null;
      end(closeReason);
      return;
    }
    synchronized (linkLock) {
      failingOver = null;
      if (closing) {
        next.abort();
        return;
      }
      link = next;
    }
    log.info("failed over to the broker at {}", next.address());
    // Subscriptions first, so the CONSUMEs go out before requests that may depend on them.
    for (Subscribed s : new ArrayList<>(subscriptions.values())) {
      subscribe(s, options.requestTimeout().toMillis()).whenComplete((m, e) -> {
        if (e != null && subscriptions.remove(s.id, s)) {
          String why = "could not re-open the subscription to '" + s.queue + "' at " + next.address() + ": " + e.getMessage();
          log.warn(Printable.escape(why));
          s.sink.onClose(why);
        }
      });
    }
    for (Pending p : new TreeMap<>(pending).values()) {
      p.sendOn(next);
    }
    if (!next.isOpen()) {
      // Lost again before it was ours: its close found another link current and left it to us.
      linkClosed(next);
    }
  }

  /** Fails what still waits and tells the sinks, once the session is over. */
  private void end(String reason) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    for (Long corr : new ArrayList<>(pending.keySet())) {
      Pending p = pending.remove(corr);
      if (p != null) {
        p.future.completeExceptionally(new ConnectionClosedException(reason));
      }
    }
    List<DeliverySink> sinks = new ArrayList<>(consumers.values());
    for (Subscribed s : subscriptions.values()) {
      if (!sinks.contains(s.sink)) {
        sinks.add(s.sink);
      }
    }
    consumers.clear();
    subscriptions.clear();
    for (DeliverySink sink : sinks) {
      try {
        sink.onClose(reason);
      } catch (RuntimeException e) {
        log.warn("consumer close callback failed", e);
      }
    }
    closed.complete(null);
  }
}
