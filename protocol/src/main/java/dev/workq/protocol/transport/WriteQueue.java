package dev.workq.protocol.transport;

import dev.workq.protocol.Message;
import dev.workq.protocol.PayloadMessage;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Messages bound for one channel from threads other than its event loop (the broker's core, a
 * client's callers). Do not write to a channel from such threads directly: each write would become
 * its own event-loop task and its own flush. Instead messages queue here and one drain task on the
 * event loop writes everything queued and flushes once, so a burst of deliveries leaves in a few
 * syscalls.
 *
 * <p>Anything that must happen after the messages already queued, such as closing the channel,
 * goes through {@link #afterQueued} rather than {@code eventLoop().execute}: a drain task can be
 * queued on the event loop behind a task submitted later, so only the queue's own order is safe.
 */
public final class WriteQueue {

  /** Flush at least this often within one drain, so a long burst still goes out progressively. */
  private static final int FLUSH_EVERY = 256;
  /**
   * A batch ends once its payloads reach this many bytes: a batch is encoded into one buffer
   * before any of it is written, so 256 deliveries of 64 KiB would make one 16 MiB buffer and
   * hold the first byte back until the last was encoded.
   */
  private static final int BATCH_BYTES = 64 * 1024;

  private final Channel channel;
  /** {@link Message}s to write, and {@link Action}s to run once what precedes them is written. */
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;

  public WriteQueue(Channel channel) {
    this.channel = channel;
  }

  /** Queues {@code message}; safe from any thread. */
  public void enqueue(Message message) {
    add(message);
  }

  /**
   * Runs {@code action} on the event loop once every message queued before this call has been
   * written and flushed; safe from any thread.
   */
  public void afterQueued(Runnable action) {
    add(new Action(action));
  }

  private void add(Object item) {
    queue.add(item);
    if (scheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(drain);
    }
  }

  /**
   * Writes everything queued, as batches of up to {@link #FLUSH_EVERY} messages or
   * {@link #BATCH_BYTES} of payload (one write and one encoding each, so several messages share a
   * frame from protocol 2 on), each flushed as it is written. A message that arrives
   * after the poll loop but before the flag is cleared is drained here, in place, when this drain
   * wins the flag back; otherwise another thread has scheduled a drain that will write it.
   */
  private void drain() {
    do {
      List<Message> batch = new ArrayList<>();
      int batchBytes = 0;
      Object item;
      while ((item = queue.poll()) != null) {
        if (item instanceof Action a) {
          write(batch);
          batchBytes = 0;
          channel.flush();
          a.run.run();
          continue;
        }
        Message m = (Message) item;
        batch.add(m);
        batchBytes += m instanceof PayloadMessage pm ? pm.payload().length() : 0;
        if (batch.size() == FLUSH_EVERY || batchBytes >= BATCH_BYTES) {
          write(batch);
          batchBytes = 0;
          channel.flush();
        }
      }
      write(batch);
      channel.flush();
      scheduled.set(false);
    } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
  }

  /** Writes what {@code batch} holds, as one message or one {@link MessageBatch}, and empties it. */
  private void write(List<Message> batch) {
    if (batch.size() == 1) {
      channel.write(batch.get(0), channel.voidPromise());
    } else if (!batch.isEmpty()) {
      channel.write(new MessageBatch(batch), channel.voidPromise());
    }
    batch.clear();
  }

  private record Action(Runnable run) {
  }
}
