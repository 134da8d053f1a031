package dev.workq.client.internal;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.MessageDecoder;
import dev.workq.protocol.codec.MessageEncoder;
import dev.workq.protocol.codec.ProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;

/**
 * The client's side of the HELLO/WELCOME exchange: sends the HELLO once the channel is active,
 * and on the WELCOME completes the connection's handshake future and replaces itself with a
 * {@link HeartbeatHandler} paced by the broker's idle timeout, as the broker's own pipeline drops
 * its handshake handler once a peer is in. Everything else passes through: the authkey exchange
 * is {@link ClientAuthHandler}'s, and a fatal ERROR or a close before the WELCOME is the
 * connection's to report, since it knows why.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "handshake";

  private final Hello hello;
  private final CompletableFuture<Welcome> welcome;
  private final long heartbeatMs;
  private final long heartbeatTimeoutMs;
  private boolean helloSent;

  /**
   * @param heartbeatMs longest time between two PINGs; less when the broker's idle timeout asks for it
   * @param heartbeatTimeoutMs how long the broker may stay silent before the connection is closed
   */
  HandshakeHandler(Hello hello, CompletableFuture<Welcome> welcome, long heartbeatMs, long heartbeatTimeoutMs) {
    this.hello = hello;
    this.welcome = welcome;
    this.heartbeatMs = heartbeatMs;
    this.heartbeatTimeoutMs = heartbeatTimeoutMs;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      sendHello(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    sendHello(ctx);
    ctx.fireChannelActive();
  }

  private void sendHello(ChannelHandlerContext ctx) {
    if (!helloSent) {
      helloSent = true;
      // The handler list goes with each CONSUME, not in the HELLO: the broker keeps frames before
      // the handshake small, and a long list would not fit.
      ctx.writeAndFlush(hello, ctx.voidPromise());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Welcome w)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!ProtocolVersion.isSupported(w.version()) || w.version() > hello.version()) {
      // A broker may answer with an older version than asked, never a newer or unknown one.
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "the broker answered protocol version " + w.version()
          + " to a HELLO for " + hello.version());
    }
    // Both directions use the negotiated version's frames from here on: the broker's after its
    // WELCOME, ours from the first frame we send after it (we send nothing before it).
    MessageDecoder decoder = ctx.pipeline().get(MessageDecoder.class);
    MessageEncoder encoder = ctx.pipeline().get(MessageEncoder.class);
    if (decoder != null && encoder != null) {
      decoder.version(w.version());
      encoder.version(w.version());
    }
    ctx.pipeline().replace(this, HeartbeatHandler.NAME, new HeartbeatHandler(pingEvery(w), heartbeatTimeoutMs));
    welcome.complete(w);
  }

  /**
   * Pings at least every third of the broker's idle timeout, so that a client waiting quietly (for
   * results, for a long task) is not taken for a dead or malicious one.
   */
  long pingEvery(Welcome w) {
    long every = heartbeatMs;
    if (w.idleTimeoutMs() != null && w.idleTimeoutMs() > 0) {
      every = Math.max(10, Math.min(every, w.idleTimeoutMs() / 3));
    }
    return every;
  }
}
