package dev.workq.client.internal;

import dev.workq.client.ConnectionClosedException;
import dev.workq.client.RemoteException;
import dev.workq.client.WorkqException;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Message;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.transport.WriteQueue;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection of a {@link Connection}: the channel, its write queue, its handshake and why
 * it closed. A connection to a single broker has one link for its life; in failover mode a lost
 * link is replaced by a new one to the same or another broker. The pipeline's handlers talk to
 * the link, and it passes what it reads on to its connection, which ignores a link it has
 * already replaced.
 */
final class Link {

  private final Connection owner;
  private final Channel channel;
  private final WriteQueue out;
  private final String address;
  private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile String closeReason;
  /** The leader's client address a follower named in its NOT_LEADER refusal, or null. */
  private volatile String leader;

  Link(Connection owner, Channel channel, String address) {
    this.owner = owner;
    this.channel = channel;
    this.address = address;
    this.out = new WriteQueue(channel);
  }

  String address() {
    return address;
  }

  CompletableFuture<Welcome> welcome() {
    return welcome;
  }

  CompletableFuture<Void> closeFuture() {
    return closed;
  }

  String closeReason() {
    return closeReason;
  }

  /** Where the broker that refused us said the leader is, or null (it did not, or it did not refuse). */
  String leader() {
    return leader;
  }

  boolean isOpen() {
    return closeReason == null && channel.isActive();
  }

  void send(Message message) {
    out.enqueue(message);
  }

  /** Sets why this link closed, unless a reason was set already: the first says what happened. */
  void closing(String reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
  }

  /**
   * Closes gracefully: everything already sent (results, acks) is written first, then this side
   * half-closes and waits for the broker to close its side. Closing outright could leave unread
   * deliveries in our receive buffer, and the kernel would then reset the connection, which can
   * make the broker drop our last acks before it reads them.
   */
  void close(String reason) {
    closing(reason);
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

  /** Closes at once, for a dial attempt that failed: nothing was sent that must go out first. */
  void abort() {
    channel.close();
  }

  // Event-loop side, called by the pipeline's handlers.

  void received(Message m) {
    if (m instanceof ErrorReply e && e.fatal() && (e.corr() == 0 || !welcome.isDone())) {
      // The broker's last words: a HELLO refused (its corr may name the HELLO, which no request
      // waits for), or a connection ended. They say why the close that follows happened.
      closing("broker at " + address + " closed the connection: " + e.describe());
      if (e.code() == ErrorCode.NOT_LEADER) {
        leader = e.leader();
      }
      welcome.completeExceptionally(new RemoteException(e.code(), e.message()));
      return;
    }
    owner.received(this, m);
  }

  /** The authkey handshake failed on our side: fail the connect with {@code reason}. */
  void handshakeFailed(String reason) {
    closing("broker at " + address + ": " + reason);
    welcome.completeExceptionally(new WorkqException(closeReason));
  }

  /** The heartbeat heard nothing for too long and is closing the connection. */
  void heartbeatTimedOut(String reason) {
    closing("connection to broker at " + address + " lost: " + reason);
  }

  void closedByTransport(Throwable cause) {
    closing(cause == null
        ? "connection to broker at " + address + " was lost"
        : "connection to broker at " + address + " failed: " + Dialer.describe(cause));
    welcome.completeExceptionally(new ConnectionClosedException(closeReason));
    try {
      owner.linkClosed(this);
    } finally {
      closed.complete(null);
    }
  }
}
