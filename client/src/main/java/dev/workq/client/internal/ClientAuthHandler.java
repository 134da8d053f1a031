package dev.workq.client.internal;

import dev.workq.protocol.AuthChallenge;
import dev.workq.protocol.AuthOk;
import dev.workq.protocol.AuthResponse;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.auth.Authkey;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The client's side of the authkey handshake (see {@link Authkey}): answers the broker's
 * challenge with our proof and a fresh nonce, checks the broker's proof, and lets the WELCOME
 * through only when the broker has proved the key, then removes itself. A client with a key
 * refuses a broker that skipped the challenge (it has no key, or is not the broker we meant); a
 * client without one refuses a challenge with a message that says how to give one.
 */
final class ClientAuthHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "auth";

  private final byte[] key;
  private final Link connection;
  private byte[] nonce;
  private boolean proven;

  ClientAuthHandler(byte[] key, Link connection) {
    this.key = key;
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof AuthChallenge challenge) {
      if (key == null) {
        fail(ctx, "AUTH_FAILED: the broker requires an authkey; give --authkey-file or set " + Authkey.ENV);
        return;
      }
      byte[] brokerNonce = Authkey.decodeNonce(challenge.nonce());
      if (brokerNonce == null || nonce != null) {
        fail(ctx, "AUTH_FAILED: the broker sent a malformed or repeated challenge");
        return;
      }
      nonce = Authkey.newNonce();
      ctx.writeAndFlush(new AuthResponse(Authkey.prove(key, Authkey.SERVER_LABEL, brokerNonce), Authkey.encode(nonce)));
    } else if (msg instanceof AuthOk ok) {
      if (nonce == null || !Authkey.verify(key, Authkey.CLIENT_LABEL, nonce, ok.hmac())) {
        fail(ctx, "AUTH_FAILED: the broker did not prove it holds the authkey (wrong answer to our challenge)");
        return;
      }
      nonce = null;
      proven = true;
    } else if (msg instanceof Welcome) {
      if (key != null && !proven) {
        fail(ctx, "AUTH_FAILED: the broker did not prove the authkey (it asked for none), so it may not be the broker you meant; refusing to continue");
        return;
      }
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
    connection.handshakeFailed(reason);
    ctx.close();
  }
}
