package dev.workq.client.internal;

import dev.workq.client.ClientOptions;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqException;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Role;
import dev.workq.protocol.codec.FrameDecoder;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import dev.workq.client.ConnectionClosedException;
import dev.workq.client.internal.Brokers.Endpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/**
 * Dials a broker and assembles a connection's pipeline, in the order the broker's own uses: TLS,
 * frame decoder (fails fast past the maximum frame), message codec, authkey handshake, HELLO/WELCOME
 * handshake (which installs the heartbeat and removes itself), and the dispatcher that is also the
 * last-resort exception handler. It waits for the WELCOME and turns every failure into one line a
 * person can act on.
 *
 * <p>Given several brokers (a cluster, where only the leader serves) it goes around the list,
 * starting at the one that last worked: an address that refuses the connection, times out or
 * answers NOT_LEADER without naming a leader sends it to the next; NOT_LEADER naming the leader
 * sends it there (in the list or not). After each round it pauses (50 ms, doubling to 1 s), until
 * its time is up. With one broker it keeps the single-broker behaviour: a busy broker
 * (CONNECTION_LIMIT) is tried again with backoff, any other failure is reported at once.
 */
final class Dialer {

  /** Connection's: dialing is the start of a connection's story in the log, and that is the name people filter on. */
  private static final Logger log = Logging.logger(Connection.class);

  /** An attempt at one broker of several gets at least this long, however many there are. */
  private static final long MIN_SHARE_MS = 1000;

  /** Refusals that say "not here" or "not now": another broker, or the same one later, may take us. */
  private static final Set<ErrorCode> MOVE_ON =
      Set.of(ErrorCode.NOT_LEADER, ErrorCode.CONNECTION_LIMIT, ErrorCode.SHUTTING_DOWN, ErrorCode.TIMEOUT, ErrorCode.MEMORY_LIMIT);

  /** One broker's failure, with the leader it named when it was a NOT_LEADER that knew one. */
  private static final class AttemptFailed extends WorkqException {
    final String leader;

    AttemptFailed(String message, Throwable cause, String leader) {
      super(message, cause);
      this.leader = leader;
    }
  }

  private Dialer() {}

  /**
   * Connects {@code owner} to a broker of {@code brokers} and completes the handshake, or fails
   * within {@code budgetMs} with a {@link WorkqException} that says what went wrong (with several
   * brokers: each address tried and its last failure). {@code keepTrying} (a failover) treats
   * a single broker as one of several: one that is down or restarting is tried again until the
   * budget is used, rather than reported at once.
   */
  static Link dial(ClientOptions options, Identity identity, EventLoopGroup group, Brokers brokers, Connection owner, long budgetMs,
      boolean keepTrying) {
    boolean strict = brokers.size() == 1 && !keepTrying;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
    long connectMs = options.connectTimeout().toMillis();
    long shareMs = brokers.size() == 1 ? connectMs : Math.min(connectMs, Math.max(MIN_SHARE_MS, connectMs / brokers.size()));
    Map<String, String> tried = new LinkedHashMap<>();
    Endpoint next = brokers.start();
    int index = Math.max(0, brokers.indexOf(next));
    int attemptsThisRound = 0;
    int redirects = 0;
    long backoffMs = 50;
    while (true) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      try {
        Link link = openOnce(options, identity, group, next, owner, Math.max(200, Math.min(shareMs, leftMs)));
        brokers.worked(next);
        return link;
      } catch (AttemptFailed e) {
        tried.put(next.toString(), shortReason(e, next));
        if (!movesOn(e, strict)) {
          throw e;
        }
        Endpoint leader = Endpoint.parse(e.leader);
        // Following a redirect costs no pause, unless redirects go round in circles (stale leaders).
        redirects = leader != null && !leader.equals(next) ? redirects + 1 : 0;
        if (redirects == 0 || redirects > brokers.size()) {
          attemptsThisRound++;
        }
        if (redirects > 0) {
          log.debug("{} is not the leader; trying the leader at {}", next, leader);
          next = leader;
        } else {
          index = (brokers.indexOf(next) >= 0 ? brokers.indexOf(next) : index) + 1;
          index %= brokers.size();
          next = brokers.get(index);
        }
        leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        boolean roundDone = attemptsThisRound >= brokers.size();
        if (leftMs <= 0) {
          // The last failure's own cause, so callers can still tell a timeout or a refused port from a refusal.
          throw strict ? e : new WorkqException(gaveUp(brokers, tried, budgetMs), e.getCause());
        }
        if (roundDone) {
          attemptsThisRound = 0;
          log.debug("no broker of {} took us ({}); trying again in {} ms", brokers, tried, backoffMs);
          try {
            // The last pause ends at the deadline, for one last round.
            Thread.sleep(Math.min(backoffMs, leftMs));
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new WorkqException("interrupted while connecting to " + brokers, e);
          }
          backoffMs = Math.min(1000, backoffMs * 2);
        }
      }
    }
  }

  /**
   * Whether to try again, elsewhere or later. With one broker only a busy one (or one without a
   * leader) is, as before clusters; with several, also one not listening or not answering. A
   * wrong authkey, TLS or version fails the same way at every node: it is reported at once.
   */
  private static boolean movesOn(WorkqException e, boolean strict) {
    if (e.getCause() instanceof RemoteException r) {
      return strict ? r.code() == ErrorCode.CONNECTION_LIMIT || r.code() == ErrorCode.NOT_LEADER : MOVE_ON.contains(r.code());
    }
    if (strict) {
      return false;
    }
    if (e.getCause() == null) {
      return true; // a connect or handshake that timed out
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return false;
      }
      if (t instanceof ConnectionClosedException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static String gaveUp(Brokers brokers, Map<String, String> tried, long budgetMs) {
    StringBuilder sb = new StringBuilder(brokers.size() == 1 ? "cannot reach the broker" : "cannot reach a serving broker among " + brokers.size())
        .append(" within ").append(budgetMs).append(" ms:");
    tried.forEach((address, reason) -> sb.append(' ').append(address).append(" (").append(reason).append(");"));
    sb.setLength(sb.length() - 1);
    return sb.toString();
  }

  /** "connection refused" rather than "cannot reach broker at HOST:PORT: connection refused". */
  private static String shortReason(WorkqException e, Endpoint at) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    for (String prefix : List.of("cannot reach broker at " + at + ": ", "broker at " + at + " refused the connection: ", "broker at " + at + " ")) {
      if (m.startsWith(prefix)) {
        return m.substring(prefix.length());
      }
    }
    return m;
  }

  private static Link openOnce(ClientOptions options, Identity identity, EventLoopGroup group, Endpoint at, Connection owner, long timeoutMs) {
    String address = at.toString();
    SslContext ssl = options.tls() ? Tls.clientContext(options) : null;
    Link[] holder = new Link[1];
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMs)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Link link = new Link(owner, ch, address);
            holder[0] = link;
            // A worker acks the STOP it takes once it has acted on it, so the broker may hold it
            // until then; a plain client's consumers and fetches take STOPs the old way.
            Hello hello = new Hello(options.protocolVersion(), identity.role(), identity.name(), localHost(),
                ProcessHandle.current().pid(), List.of(), identity.role() == Role.WORKER ? List.of(Hello.STOP_ACK) : List.of());
            if (ssl != null) {
              // Host name verification is on (see Tls): the certificate must name the host we dial.
              ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), at.host(), at.port()));
            }
            ch.pipeline()
                .addLast(FrameDecoder.NAME, new FrameDecoder(options.maxFrame()))
                .addLast(MessageDecoder.NAME, new MessageDecoder())
                .addLast(MessageEncoder.NAME, new MessageEncoder())
                .addLast(ClientAuthHandler.NAME, new ClientAuthHandler(options.authkey(), link))
                .addLast(HandshakeHandler.NAME, new HandshakeHandler(hello, link.welcome(), options.heartbeat().toMillis(),
                    options.heartbeatTimeout().toMillis()))
                .addLast(ClientHandler.NAME, new ClientHandler(link));
          }
        });
    ChannelFuture connect = bootstrap.connect(at.host(), at.port());
    try {
      if (!connect.await(timeoutMs + 1000, TimeUnit.MILLISECONDS)) {
        connect.channel().close();
        throw new AttemptFailed("cannot reach broker at " + address + ": timed out after " + timeoutMs + " ms", null, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connect.channel().close();
      throw new WorkqException("interrupted while connecting to " + address, e);
    }
    if (!connect.isSuccess()) {
      throw new AttemptFailed("cannot reach broker at " + address + ": " + describe(connect.cause()), connect.cause(), null);
    }
    Link link = holder[0];
    try {
      link.welcome().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      link.abort();
      throw new WorkqException("interrupted while connecting to " + address, e);
    } catch (ExecutionException e) {
      link.abort();
      Throwable cause = e.getCause();
      if (cause instanceof RemoteException) {
        throw new AttemptFailed("broker at " + address + " refused the connection: " + cause.getMessage(), cause, link.leader());
      }
      throw new AttemptFailed(cause.getMessage(), cause, null);
    } catch (TimeoutException e) {
      link.abort();
      throw new AttemptFailed("broker at " + address + " did not answer the handshake within " + timeoutMs + " ms", null, null);
    }
    log.debug("connected to {} as {} '{}'", address, identity.role(), identity.name());
    return link;
  }

  static String describe(Throwable t) {
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
  static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
