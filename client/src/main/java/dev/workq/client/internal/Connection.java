package dev.workq.client.internal;

import dev.workq.protocol.Printable;
import dev.workq.client.ClientOptions;
import dev.workq.client.ConnectionClosedException;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqException;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Message;
import dev.workq.protocol.Release;
import dev.workq.protocol.Revoke;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.transport.WriteQueue;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;

/**
 * One connection to the broker: it dials and assembles the pipeline (TLS, framing, codec, authkey,
 * handshake, dispatch; the handshake handler installs the heartbeat), then matches requests to
 * answers by correlation id, routes pushed deliveries to their consumer and a REVOKE to the
 * delivery it takes back. Outbound messages from any thread go through a {@link WriteQueue};
 * inbound ones are handled on the connection's event loop.
 */
public final class Connection {

  private static final Logger log = Logging.logger(Connection.class);

  private final Channel channel;
  private final WriteQueue out;
  private final String address;
  private final AtomicLong corrs = new AtomicLong();
  private final Map<Long, CompletableFuture<Message>> pending = new ConcurrentHashMap<>();
  private final Map<Long, DeliverySink> consumers = new ConcurrentHashMap<>();
  /** The handlers a worker's consumers offer, sent with each CONSUME; null for a plain client. */
  private final List<String> consumeHandlers;
  private final Map<Long, DeliverySink> pendingSinks = new ConcurrentHashMap<>();
  /** What to do if the broker revokes a delivery this connection holds, by tag (see {@link #onRevoke}). */
  private final Map<Long, Runnable> revocable = new ConcurrentHashMap<>();
  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile String closeReason;
  /** Set by {@link #close()}: deliveries still arriving are dropped; the broker requeues them. */
  private volatile boolean closing;
  private volatile Consumer<ErrorReply> errorListener = e -> log.warn("broker: {}", Printable.escape(e.describe()));

  /** Where a consumer's deliveries go; called on the event loop, so it must not block. */
  public interface DeliverySink {
    void onDeliver(Deliver deliver);

    void onClose(String reason);
  }

  /** Made by {@link Dialer} as it assembles the channel's pipeline. */
  Connection(Channel channel, String address, List<String> consumeHandlers) {
    this.channel = channel;
    this.address = address;
    this.consumeHandlers = consumeHandlers;
    this.out = new WriteQueue(channel);
  }

  /**
   * Connects and completes the handshake, or fails within the connect timeout with a
   * {@link WorkqException} that says what went wrong (see {@link Dialer}).
   */
  public static Connection open(ClientOptions options, Identity identity, EventLoopGroup group) {
    return Dialer.open(options, identity, group);
  }

  /** This machine's host name, as workers report it in results. */
  public static String localHost() {
    return Dialer.localHost();
  }

  CompletableFuture<Welcome> welcome() {
    return welcome;
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
    pending.put(corr, f);
    RequestDeadlines.apply(f, timeoutMs, () -> pending.remove(corr));
    send(build.apply(corr));
    // A close between the check above and put() would leave f waiting until its timeout.
    if (closeReason != null && pending.remove(corr) != null) {
      f.completeExceptionally(new ConnectionClosedException(closeReason));
    }
    return f;
  }

  /** Sends a message that has no answer. */
  public void send(Message message) {
    out.enqueue(message);
  }

  /**
   * Subscribes {@code sink} to {@code queue}. The sink is registered on the event loop as the
   * CONSUME_OK arrives, before any delivery that follows it is read, so none is missed.
   */
  public CompletableFuture<Message> consume(String queue, int prefetch, DeliverySink sink, long timeoutMs) {
    long[] sent = new long[1];
    return request(corr -> {
      sent[0] = corr;
      pendingSinks.put(corr, sink);
      return new dev.workq.protocol.Consume(corr, queue, prefetch, consumeHandlers);
    }, timeoutMs).whenComplete((m, e) -> pendingSinks.remove(sent[0]));
  }

  /**
   * Runs {@code action} on the event loop if the broker revokes delivery {@code tag} (a REVOKE: its
   * task was cancelled), once, unless {@link #settled} comes first or the connection closes. Held
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

  public void removeConsumer(long consumer) {
    consumers.remove(consumer);
  }

  public void onError(Consumer<ErrorReply> listener) {
    this.errorListener = listener;
  }

  public String address() {
    return address;
  }

  public boolean isOpen() {
    return closeReason == null && channel.isActive();
  }

  /** Completes when the connection has closed, for whatever reason. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Why the connection closed, or null while it is open. */
  public String closeReason() {
    return closeReason;
  }

  /**
   * Closes gracefully: everything already sent (results, acks) is written first, then this side
   * half-closes and waits for the broker to close its side. Closing outright could leave unread
   * deliveries in our receive buffer, and the kernel would then reset the connection, which can
   * make the broker drop our last acks before it reads them.
   */
  public void close() {
    closing = true;
    if (closeReason == null) {
      closeReason = "connection to " + address + " closed by the client";
    }
    if (channel.isActive()) {
      // Through the write queue, so the close comes after every ack and result sent before it.
      out.afterQueued(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
        if (channel instanceof SocketChannel s && s.isActive() && f.isSuccess()) {
          s.shutdownOutput();
        } else {
          channel.close();
        }
      }));
    }
    closed.copy().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
  }

  // Event-loop side, called by ClientHandler.

  void received(Message m) {
    if (m instanceof Deliver d) {
      received(d);
    } else if (m instanceof ErrorReply e) {
      received(e);
    } else if (m instanceof Revoke r) {
      received(r);
    } else {
      if (m instanceof dev.workq.protocol.ConsumeOk ok) {
        DeliverySink sink = pendingSinks.remove(ok.corr());
        if (sink != null) {
          consumers.put(ok.consumer(), sink);
        }
      }
      long corr = corrOf(m);
      CompletableFuture<Message> f = corr == 0 ? null : pending.remove(corr);
      if (f != null) {
        f.complete(m);
      } else {
        log.debug("unexpected {} from broker", m.type());
      }
    }
  }

  private void received(Deliver d) {
    if (closing) {
      return;
    }
    if (d.corr() == 0) {
      DeliverySink sink = consumers.get(d.consumer());
      if (sink != null) {
        sink.onDeliver(d);
      } else if (d.kind() != dev.workq.protocol.ItemKind.STOP) {
        // The consumer was cancelled locally; hand the item back rather than sit on it.
        send(new Release(d.tag()));
      }
      return;
    }
    CompletableFuture<Message> f = pending.remove(d.corr());
    if ((f == null || !f.complete(d)) && d.kind() != dev.workq.protocol.ItemKind.STOP) {
      // The fetch timed out here before the item arrived: give it back.
      send(new Release(d.tag()));
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
      CompletableFuture<Message> f = pending.remove(e.corr());
      if (f != null) {
        f.completeExceptionally(new RemoteException(e.code(), e.message()));
      }
    } else if (e.fatal()) {
      closeReason = "broker at " + address + " closed the connection: " + e.describe();
      welcome.completeExceptionally(new RemoteException(e.code(), e.message()));
    } else {
      errorListener.accept(e);
    }
  }

  /** The authkey handshake failed on our side: fail the connect with {@code reason}. Event loop. */
  void handshakeFailed(String reason) {
    closeReason = "broker at " + address + ": " + reason;
    welcome.completeExceptionally(new WorkqException(closeReason));
  }

  /** The heartbeat heard nothing for too long and is closing the connection. Event loop. */
  void heartbeatTimedOut(String reason) {
    if (closeReason == null) {
      closeReason = "connection to broker at " + address + " lost: " + reason;
    }
  }

  void closedByTransport(Throwable cause) {
    if (closeReason == null) {
      closeReason = cause == null
          ? "connection to broker at " + address + " was lost"
          : "connection to broker at " + address + " failed: " + Dialer.describe(cause);
    }
    String reason = closeReason;
    welcome.completeExceptionally(new ConnectionClosedException(reason));
    for (Long corr : pending.keySet()) {
      CompletableFuture<Message> f = pending.remove(corr);
      if (f != null) {
        f.completeExceptionally(new ConnectionClosedException(reason));
      }
    }
    for (DeliverySink sink : consumers.values()) {
      try {
        sink.onClose(reason);
      } catch (RuntimeException e) {
        log.warn("consumer close callback failed", e);
      }
    }
    consumers.clear();
    // The broker gives every held delivery back on close: nothing is left to revoke.
    revocable.clear();
    closed.complete(null);
  }

  private static long corrOf(Message m) {
    return m instanceof dev.workq.protocol.Reply r ? r.corr() : 0;
  }
}
