package dev.workq.protocol.transport;

import dev.workq.protocol.Message;
import io.netty.channel.Channel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Messages bound for one channel from threads other than its event loop (the broker's core, a
 * client's callers). Do not write to a channel from such threads directly: each write would become
 * its own event-loop task and its own flush. Instead messages queue here and one drain task on the event loop writes everything queued
 * and flushes once, so a burst of deliveries leaves in a few syscalls.
 */
public final class WriteQueue {

  /** Flush at least this often within one drain, so a long burst still goes out progressively. */
  private static final int FLUSH_EVERY = 256;

  private final Channel channel;
  private final Queue<Message> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;

  public WriteQueue(Channel channel) {
    this.channel = channel;
  }

  /** Queues {@code message}; safe from any thread. */
  public void enqueue(Message message) {
    queue.add(message);
    if (scheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(drain);
    }
  }

  /**
   * Writes everything queued. A message that arrives after the poll loop but before the flag is
   * cleared is drained here, in place: rescheduling would queue it behind tasks submitted
   * meanwhile, such as a close, and it would never be written.
   */
  private void drain() {
    do {
      int written = 0;
      Message m;
      while ((m = queue.poll()) != null) {
        channel.write(m, channel.voidPromise());
        if (++written % FLUSH_EVERY == 0) {
          channel.flush();
        }
      }
      channel.flush();
      scheduled.set(false);
    } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
  }
}
