package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Pong;
import dev.workq.protocol.codec.ProtocolException;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.Session;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * After the handshake: checks that each message is one a peer may send, then hands it to the
 * core. Pings are answered here, on the event loop, since they touch no state. The requests of
 * one read go to the core together at the read's end, as one task on the core thread: a peer
 * that sends a burst (a window of PUTs, a run of COMPLETEs) costs one hand-over, not one per
 * message. One instance per connection (it holds that connection's read).
 */
public final class DispatchHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "dispatch";
  static final AttributeKey<Session> SESSION = AttributeKey.valueOf("workq.session");

  /** What a peer may send after its HELLO, besides PING and PONG. */
  private static final Set<MessageType> REQUESTS = EnumSet.of(MessageType.PUT, MessageType.CONSUME,
      MessageType.CANCEL, MessageType.ACK, MessageType.COMPLETE, MessageType.RELEASE, MessageType.FETCH,
      MessageType.STATS, MessageType.RENEW, MessageType.DEAD_LETTERS, MessageType.DELETE_QUEUE, MessageType.TASK_STATUS,
      MessageType.TASK_WAIT, MessageType.TASK_CANCEL, MessageType.QUEUE_PURGE, MessageType.QUEUE_PEEK, MessageType.QUEUE_CLOSE,
      MessageType.QUEUE_JOIN);

  private final BrokerCore core;
  /** The connection's session, looked up once (the attribute map is searched on every get). */
  private Session session;
  /** Requests of the current read, not yet handed to the core. Event loop only. */
  private List<Message> read = new ArrayList<>();

  public DispatchHandler(BrokerCore core) {
    this.core = core;
  }

  /** Whether {@code channel} has completed its handshake, so the core owns its closing. */
  public static boolean hasSession(Channel channel) {
    return channel.attr(SESSION).get() != null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Session session = session(ctx);
    Message m = (Message) msg;
    if (m instanceof Ping p) {
      // A ping keeps the connection open, but does not clear a suspicion after an expired lease:
      // a client's heartbeat pings by itself, also while the application above it is hung.
      ctx.writeAndFlush(new Pong(p.nonce()), ctx.voidPromise());
    } else if (m instanceof Pong) {
      return;
    } else if (REQUESTS.contains(m.type())) {
      session.requestQueued(Session.weight(m));
      read.add(m);
    } else {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, m.type() + " may not be sent to the broker");
    }
  }

  /** The session the handshake attached to the channel; null before it. */
  private Session session(ChannelHandlerContext ctx) {
    if (session == null) {
      session = ctx.channel().attr(SESSION).get();
    }
    return session;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    handOver(ctx);
    ctx.fireChannelReadComplete();
  }

  private void handOver(ChannelHandlerContext ctx) {
    if (!read.isEmpty()) {
      core.submit(session(ctx), read);
      read = new ArrayList<>();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Session session = session(ctx);
    if (session != null) {
      session.outboundWritable(ctx.channel().isWritable());
      core.writabilityChanged(session, ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Session session = session(ctx);
    if (session != null) {
      handOver(ctx);
      core.close(session);
    }
    ctx.fireChannelInactive();
  }
}
