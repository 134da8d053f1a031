package dev.workq.server.internal.pipeline;

import dev.workq.protocol.AuthChallenge;
import dev.workq.protocol.AuthOk;
import dev.workq.protocol.AuthResponse;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.auth.Authkey;
import dev.workq.protocol.codec.ProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The broker's side of the authkey handshake (see {@link Authkey}), installed only when the broker
 * has a key. It holds the peer's HELLO back, challenges the peer with a fresh nonce, checks the
 * answer in constant time and proves the key in turn; only then does it pass the HELLO on to
 * {@link HandshakeHandler} and remove itself. Anything else, or a wrong answer, is AUTH_FAILED,
 * fatal. The nonce is drawn per connection and forgotten after one answer, so a recorded answer
 * fails anywhere else.
 */
public final class AuthHandler extends ChannelInboundHandlerAdapter {

  public static final String NAME = "auth";

  private final byte[] key;
  private Hello hello;
  private byte[] nonce;

  public AuthHandler(byte[] key) {
    this.key = key;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Message m = (Message) msg;
    if (hello == null) {
      if (!(m instanceof Hello h)) {
        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected HELLO first, got " + m.type());
      }
      hello = h;
      nonce = Authkey.newNonce();
      ctx.writeAndFlush(new AuthChallenge(Authkey.encode(nonce)));
      return;
    }
    if (nonce == null) {
      // Authenticated and on our way out of the pipeline; cannot happen, since we remove ourselves.
      ctx.fireChannelRead(msg);
      return;
    }
    if (!(m instanceof AuthResponse r)) {
      throw new ProtocolException(ErrorCode.AUTH_FAILED,
          "this broker requires an authkey (--authkey-file or " + Authkey.ENV + "); got " + m.type() + " instead of AUTH_RESPONSE");
    }
    byte[] expected = nonce;
    nonce = null;
    if (!Authkey.verify(key, Authkey.SERVER_LABEL, expected, r.hmac())) {
      throw new ProtocolException(ErrorCode.AUTH_FAILED, "wrong authkey: the answer to the challenge does not match this broker's key");
    }
    byte[] peerNonce = Authkey.decodeNonce(r.nonce());
    if (peerNonce == null) {
      throw new ProtocolException(ErrorCode.AUTH_FAILED, "AUTH_RESPONSE nonce must be base64 of " + Authkey.NONCE_BYTES + " bytes");
    }
    ctx.writeAndFlush(new AuthOk(Authkey.prove(key, Authkey.CLIENT_LABEL, peerNonce)));
    Hello h = hello;
    hello = null;
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(h);
  }
}
