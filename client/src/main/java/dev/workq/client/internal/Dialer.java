package dev.workq.client.internal;

import dev.workq.protocol.Printable;
import dev.workq.client.ClientOptions;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqException;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Role;
import dev.workq.protocol.ProtocolVersion;
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
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/**
 * Dials the broker and assembles a connection's pipeline, in the order the broker's own uses: TLS,
 * frame decoder (fails fast past the maximum frame), message codec, authkey handshake, HELLO/WELCOME
 * handshake (which installs the heartbeat and removes itself), and the dispatcher that is also the
 * last-resort exception handler. It waits for the WELCOME, retries a busy broker within the connect
 * timeout, and turns every failure into one line a person can act on.
 */
final class Dialer {

  /** Connection's: dialing is the start of a connection's story in the log, and that is the name people filter on. */
  private static final Logger log = Logging.logger(Connection.class);

  private Dialer() {}

  /**
   * Connects and completes the handshake, or fails within the connect timeout with a
   * {@link WorkqException} that says what went wrong. A broker that turns the connection away
   * because it is busy (CONNECTION_LIMIT: at its connection cap, or closing connections still in
   * their handshake during a flood) is tried again, with backoff, until the connect timeout.
   */
  static Connection open(ClientOptions options, Identity identity, EventLoopGroup group) {
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    long backoffMs = 50;
    while (true) {
      try {
        return openOnce(options, identity, group);
      } catch (WorkqException e) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (!(e.getCause() instanceof RemoteException r) || r.code() != ErrorCode.CONNECTION_LIMIT || leftMs <= backoffMs) {
          throw e;
        }
        log.debug("{}; trying again in {} ms", Printable.escape(e.getMessage()), backoffMs);
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

  private static Connection openOnce(ClientOptions options, Identity identity, EventLoopGroup group) {
    String address = options.host() + ":" + options.port();
    SslContext ssl = options.tls() ? Tls.clientContext(options) : null;
    Connection[] holder = new Connection[1];
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Connection c = new Connection(ch, address, identity.handlers());
            holder[0] = c;
            // A worker acks the STOP it takes once it has acted on it, so the broker may hold it
            // until then; a plain client's consumers and fetches take STOPs the old way.
            Hello hello = new Hello(options.protocolVersion(), identity.role(), identity.name(), localHost(),
                ProcessHandle.current().pid(), List.of(), identity.role() == Role.WORKER ? List.of(Hello.STOP_ACK) : List.of());
            if (ssl != null) {
              // Host name verification is on (see Tls): the certificate must name the host we dial.
              ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), options.host(), options.port()));
            }
            ch.pipeline()
                .addLast(FrameDecoder.NAME, new FrameDecoder(options.maxFrame()))
                .addLast(MessageDecoder.NAME, new MessageDecoder())
                .addLast(MessageEncoder.NAME, new MessageEncoder())
                .addLast(ClientAuthHandler.NAME, new ClientAuthHandler(options.authkey(), c))
                .addLast(HandshakeHandler.NAME, new HandshakeHandler(hello, c.welcome(), options.heartbeat().toMillis(),
                    options.heartbeatTimeout().toMillis()))
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
    try {
      c.welcome().get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
    log.debug("connected to {} as {} '{}'", address, identity.role(), identity.name());
    return c;
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
