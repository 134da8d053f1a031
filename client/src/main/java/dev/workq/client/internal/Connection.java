package dev.workq.client.internal;

import dev.workq.client.ClientOptions;
import dev.workq.client.ConnectionClosedException;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqException;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Role;
import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Release;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.protocol.transport.WriteQueue;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;

/**
 * One connection to the broker: the handshake, requests matched to answers by correlation id, and
 * pushed deliveries routed to their consumer. Outbound messages from any thread go through a
 * {@link WriteQueue}; inbound ones are handled on the connection's event loop.
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
  private volatile List<String> consumeHandlers;
  private final Map<Long, DeliverySink> pendingSinks = new ConcurrentHashMap<>();
  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile String closeReason;
  /** Set by {@link #close()}: deliveries still arriving are dropped; the broker requeues them. */
  private volatile boolean closing;
  private final long heartbeatMs;
  private ScheduledFuture<?> heartbeat;
  private long pings;
  private volatile Consumer<ErrorReply> errorListener = e -> log.warn("broker: {}", e.describe());

  /** Where a consumer's deliveries go; called on the event loop, so it must not block. */
  public interface DeliverySink {
    void onDeliver(Deliver deliver);

    void onClose(String reason);
  }

  private Connection(Channel channel, String address, long heartbeatMs) {
    this.channel = channel;
    this.address = address;
    this.heartbeatMs = heartbeatMs;
    this.out = new WriteQueue(channel);
  }

  /**
   * Connects and completes the handshake, or fails within the connect timeout with a
   * {@link WorkqException} that says what went wrong. A broker that turns the connection away
   * because it is busy (CONNECTION_LIMIT: at its connection cap, or closing connections still in
   * their handshake during a flood) is tried again, with backoff, until the connect timeout.
   */
  public static Connection open(ClientOptions options, EventLoopGroup group, Class<? extends SocketChannel> channelType) {
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    long backoffMs = 50;
    while (true) {
      try {
        return openOnce(options, group, channelType);
      } catch (WorkqException e) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (!(e.getCause() instanceof RemoteException r) || r.code() != ErrorCode.CONNECTION_LIMIT || leftMs <= backoffMs) {
          throw e;
        }
        log.debug("{}; trying again in {} ms", e.getMessage(), backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMs = Math.min(1000, backoffMs * 2);
      }
    }
  }

  private static Connection openOnce(ClientOptions options, EventLoopGroup group, Class<? extends SocketChannel> channelType) {
    String address = options.host() + ":" + options.port();
    SslContext ssl = options.tls() ? Tls.clientContext(options) : null;
    Connection[] holder = new Connection[1];
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(channelType == null ? NioSocketChannel.class : channelType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Connection c = new Connection(ch, address, options.heartbeat().toMillis());
            holder[0] = c;
            if (ssl != null) {
              // Host name verification is on (see Tls): the certificate must name the host we dial.
              ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), options.host(), options.port()));
            }
            ch.pipeline()
                .addLast(FrameDecoder.NAME, new FrameDecoder(options.maxFrame()))
                .addLast(MessageDecoder.NAME, new MessageDecoder())
                .addLast(MessageEncoder.NAME, new MessageEncoder())
                .addLast(ClientAuthHandler.NAME, new ClientAuthHandler(options.authkey(), c))
                .addLast(ClientHandler.NAME, new ClientHandler(c));
          }
        });
    ChannelFuture connect = bootstrap.connect(options.host(), options.port());
    try {
      if (!connect.await(options.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        connect.channel().close();
        throw new WorkqException("cannot reach broker at " + address + ": timed out after " + options.connectTimeout().toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connect.channel().close();
      throw new WorkqException("interrupted while connecting to " + address, e);
    }
    if (!connect.isSuccess()) {
      throw new WorkqException("cannot reach broker at " + address + ": " + describe(connect.cause()), connect.cause());
    }
    Connection c = holder[0];
    c.consumeHandlers = options.role() == Role.WORKER ? options.handlers() : null;
    // The handler list goes with each CONSUME, not in the HELLO: the broker keeps frames before
    // the handshake small, and a long list would not fit.
    c.send(new Hello(ProtocolVersion.CURRENT, options.role(), options.name(), localHost(), ProcessHandle.current().pid(), List.of()));
    try {
      c.welcome.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close();
      throw new WorkqException("interrupted while connecting to " + address, e);
    } catch (ExecutionException e) {
      c.close();
      Throwable cause = e.getCause();
      if (cause instanceof RemoteException) {
        throw new WorkqException("broker at " + address + " refused the connection: " + cause.getMessage(), cause);
      }
      throw new WorkqException(cause.getMessage(), cause);
    } catch (TimeoutException e) {
      c.close();
      throw new WorkqException("broker at " + address + " did not answer the handshake within " + options.connectTimeout().toMillis() + " ms");
    }
    log.debug("connected to {} as {} '{}'", address, options.role(), options.name());
    return c;
  }

  private static String describe(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof NotSslRecordException) {
        return "the broker does not speak TLS (drop --tls, or start the broker with --tls-cert and --tls-key)";
      }
      if (x instanceof SSLException) {
        Throwable root = x;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return "TLS failed: " + m.lines().findFirst().orElse(m)
            + (m.contains("certification path") ? " (the broker's certificate is not signed by a CA we trust: give --tls-ca)" : "");
      }
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof UnknownHostException) {
      return "unknown host";
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  /** This machine's host name, as workers report it in results. */
  public static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
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
    f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((m, e) -> pending.remove(corr));
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
    if (m instanceof Welcome w) {
      startHeartbeat(w);
      welcome.complete(w);
    } else if (m instanceof Pong) {
      return;
    } else if (m instanceof Deliver d) {
      received(d);
    } else if (m instanceof ErrorReply e) {
      received(e);
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

  private void received(ErrorReply e) {
    if (e.corr() != 0) {
      CompletableFuture<Message> f = pending.remove(e.corr());
      if (f != null) {
        f.completeExceptionally(new RemoteException(e));
      }
    } else if (e.fatal()) {
      closeReason = "broker at " + address + " closed the connection: " + e.describe();
      welcome.completeExceptionally(new RemoteException(e));
    } else {
      errorListener.accept(e);
    }
  }

  /**
   * Pings the broker at least every third of its idle timeout, so that a client waiting quietly
   * (for results, for a long task) is not taken for a dead or malicious one. Event loop.
   */
  private void startHeartbeat(Welcome w) {
    long every = heartbeatMs;
    if (w.idleTimeoutMs() != null && w.idleTimeoutMs() > 0) {
      every = Math.max(10, Math.min(every, w.idleTimeoutMs() / 3));
    }
    heartbeat = channel.eventLoop().scheduleAtFixedRate(() -> channel.writeAndFlush(new Ping(++pings), channel.voidPromise()),
        every, every, TimeUnit.MILLISECONDS);
  }

  /** The authkey handshake failed on our side: fail the connect with {@code reason}. Event loop. */
  void handshakeFailed(String reason) {
    closeReason = "broker at " + address + ": " + reason;
    welcome.completeExceptionally(new WorkqException(closeReason));
  }

  void closedByTransport(Throwable cause) {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    if (closeReason == null) {
      closeReason = cause == null
          ? "connection to broker at " + address + " was lost"
          : "connection to broker at " + address + " failed: " + describe(cause);
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
    closed.complete(null);
  }

  private static long corrOf(Message m) {
    return m instanceof dev.workq.protocol.Reply r ? r.corr() : 0;
  }
}
