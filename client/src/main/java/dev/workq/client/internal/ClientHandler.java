package dev.workq.client.internal;

import dev.workq.protocol.Message;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;

/**
 * The client pipeline's last handler: passes every message to its {@link Link}, tells it
 * why the heartbeat closed the connection, and is the client's one exception policy: any error
 * closes the connection once, and the connection fails everything still waiting on it.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "client";

  private static final Logger log = Logging.logger(ClientHandler.class);

  private final Link connection;
  private Throwable failure;

  ClientHandler(Link connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.received((Message) msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof HeartbeatHandler.Timeout t) {
      log.warn("closing connection to {}: {}", connection.address(), t.reason());
      connection.heartbeatTimedOut(t.reason());
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.closedByTransport(failure);
  }

  /**
   * An I/O error (a failed write to a broker that is closing on us) does not close at once: the
   * broker's last words, a fatal ERROR saying why, may still be waiting to be read, and they make
   * a better message than "broken pipe". The read side ends the connection, or a short timer does.
   */
  private static boolean isTls(Throwable t) {
    for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
      if (cause instanceof IOException || isTls(cause)) {
        log.debug("connection to {} failed: {}", connection.address(), cause.toString());
        ctx.executor().schedule(() -> ctx.close(), 1, java.util.concurrent.TimeUnit.SECONDS);
        return;
      }
      log.warn("closing connection to {} after an error", connection.address(), cause);
    }
    ctx.close();
  }
}
