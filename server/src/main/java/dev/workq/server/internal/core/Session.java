package dev.workq.server.internal.core;

import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.Role;
import dev.workq.protocol.transport.WriteQueue;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connected peer after its HELLO. The fields below the marker belong to the core thread; the
 * pending counter is how the I/O thread and the core agree on inbound backpressure.
 */
public final class Session {

  private final String id;
  private final Channel channel;
  private final Hello hello;
  private final WriteQueue out;
  private final int maxPending;
  /** Deliveries this connection may hold unacked, over all its consumers and fetches. */
  final int maxUnacked;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean paused = new AtomicBoolean();

  // Core thread only.
  final Map<Long, Delivery> held = new LinkedHashMap<>();
  final Map<Long, Consumer> consumers = new HashMap<>();
  final List<FetchWaiter> waiters = new ArrayList<>();
  boolean writable = true;
  boolean closed;
  /**
   * A lease this session held expired: it may be hung (stopped, partitioned, half-open). It gets
   * no more deliveries until it shows life by sending anything, a PING included.
   */
  boolean suspect;

  // Event loop only.
  private boolean unwritable;

  public Session(String id, Channel channel, Hello hello, int maxPending, int maxUnacked) {
    this.id = id;
    this.channel = channel;
    this.hello = hello;
    this.maxPending = maxPending;
    this.maxUnacked = maxUnacked;
    this.out = new WriteQueue(channel);
  }

  public String id() {
    return id;
  }

  public Hello hello() {
    return hello;
  }

  public boolean isWorker() {
    return hello.role() == Role.WORKER;
  }

  void send(Message message) {
    if (!closed) {
      out.enqueue(message);
    }
  }

  /**
   * Closes the connection once everything already sent to it has been written, so a last notice
   * (the shutdown error) is not cut off by the close.
   */
  void closeAfterSent() {
    out.afterQueued(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
  }

  /**
   * Called on the I/O thread for each request handed to the core. Past the limit the broker stops
   * reading from this connection until the core catches up, so a fast sender cannot grow the
   * core's inbox without bound.
   */
  public void requestQueued() {
    if (pending.incrementAndGet() >= maxPending && paused.compareAndSet(false, true)) {
      updateAutoRead();
    }
  }

  /** Called on the core thread after a request from this session is handled. */
  void requestDone() {
    if (pending.decrementAndGet() <= maxPending / 4 && paused.get()) {
      channel.eventLoop().execute(() -> {
        if (paused.compareAndSet(true, false)) {
          updateAutoRead();
        }
      });
    }
  }

  /**
   * Called on the event loop when the channel's outbound buffer crosses a watermark. A peer that
   * does not read what it is sent must not make the broker buffer answers without bound: while
   * the channel is unwritable the broker reads no more requests from it, so the answers waiting
   * are at most those of the requests already read (at most the pending limit). Deliveries stop
   * separately, in the core.
   */
  public void outboundWritable(boolean writable) {
    unwritable = !writable;
    updateAutoRead();
  }

  /** Event loop only: read while the core keeps up and the peer reads what we write. */
  private void updateAutoRead() {
    channel.config().setAutoRead(!paused.get() && !unwritable);
  }

  @Override
  public String toString() {
    return hello.role().name().toLowerCase() + " " + hello.name() + " (" + hello.host() + ":" + hello.pid() + ", session " + id + ")";
  }
}
