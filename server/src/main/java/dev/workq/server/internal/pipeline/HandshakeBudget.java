package dev.workq.server.internal.pipeline;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.server.HandshakeStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker-wide account of connections still in their handshake (connected, not yet welcomed),
 * which bounds what strangers can make the broker hold: at most {@code maxPerAddress} such
 * connections per source address, and at most {@code maxBytes} bytes in their partial frames over
 * the whole broker. Past either, the <em>oldest</em> connections stalled part-way through a frame
 * go first (of that address, or of all), so a flood of stalled connections is what gets closed
 * while a client that handshakes quickly still gets in.
 *
 * <p>Each connection's {@link HandshakeBudgetHandler} admits it, reports what its frame decoder
 * holds after every read, and releases it once, at the WELCOME or the close. Connections live on
 * several I/O threads, so the account is guarded by this object's lock, held for a few map steps
 * and never across I/O; an evicted connection is closed on its own event loop, after the lock.
 * Evictions are logged at most once per {@link #LOG_EVERY_NANOS}, as a summary, so a flood does not
 * flood the log.
 */
public final class HandshakeBudget {

  private static final Logger log = LoggerFactory.getLogger(HandshakeBudget.class);
  static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** Longest an evicted connection waits for its ERROR to be written before it is closed anyway. */
  private static final long CLOSE_AFTER_MS = 1000;

  /** One connection in its handshake; its fields are guarded by the budget's lock. */
  static final class Entry {
    private final Channel channel;
    private final Object address;
    private final long seq;
    private long held;
    private boolean gone;

    private Entry(Channel channel, Object address, long seq) {
      this.channel = channel;
      this.address = address;
      this.seq = seq;
    }
  }

  private final int maxPerAddress;
  private final long maxBytes;
  private final boolean tls;

  // Guarded by this.
  private final Map<Object, ArrayDeque<Entry>> byAddress = new HashMap<>();
  /** Entries holding bytes, oldest (lowest admission number) first. */
  private final TreeMap<Long, Entry> holding = new TreeMap<>();
  private long nextSeq;
  private int connections;
  private long bytes;
  private long evictedOverAddressCap;
  private long evictedOverBufferBudget;
  private long lastLogNanos;
  private long loggedOverAddressCap;
  private long loggedOverBufferBudget;
  private boolean reportScheduled;

  /**
   * @param maxPerAddress connections from one address in their handshake at once
   * @param maxBytes bytes all connections in their handshake may hold in partial frames
   * @param tls whether the broker speaks TLS: an evicted peer then is just closed, as it could not
   *     read a plaintext ERROR
   */
  public HandshakeBudget(int maxPerAddress, long maxBytes, boolean tls) {
    this.maxPerAddress = maxPerAddress;
    this.maxBytes = maxBytes;
    this.tls = tls;
    this.lastLogNanos = System.nanoTime() - LOG_EVERY_NANOS;
  }

  /** Counts a new connection from {@code address}; if that address is over its cap, closes its oldest. */
  Entry admit(Channel channel, Object address) {
    Entry entry;
    Entry victim = null;
    String summary;
    synchronized (this) {
      entry = new Entry(channel, address, nextSeq++);
      connections++;
      ArrayDeque<Entry> same = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
      same.addLast(entry);
      if (same.size() > maxPerAddress) {
        victim = victimAmong(same);
        remove(victim);
        evictedOverAddressCap++;
      }
      summary = victim == null ? null : summaryIfDue();
    }
    if (victim != null) {
      close(victim.channel, "closed: " + maxPerAddress + " newer connections from " + describe(address)
          + " are in their handshake (max-handshakes-per-address " + maxPerAddress + "); finish the handshake sooner or open fewer at once");
    }
    log(summary);
    return entry;
  }

  /**
   * Records that {@code entry}'s frame decoder now holds {@code held} bytes; if all connections in
   * their handshake then hold more than the budget, closes the oldest that hold any until the rest fit.
   */
  void hold(Entry entry, long held) {
    List<Entry> victims = null;
    String summary = null;
    synchronized (this) {
      if (entry.gone || entry.held == held) {
        return;
      }
      bytes += held - entry.held;
      if (entry.held == 0) {
        holding.put(entry.seq, entry);
      } else if (held == 0) {
        holding.remove(entry.seq);
      }
      entry.held = held;
      while (bytes > maxBytes && !holding.isEmpty()) {
        Entry victim = holding.firstEntry().getValue();
        remove(victim);
        evictedOverBufferBudget++;
        if (victims == null) {
          victims = new ArrayList<>();
        }
        victims.add(victim);
      }
      if (victims != null) {
        summary = summaryIfDue();
      }
    }
    if (victims != null) {
      for (Entry victim : victims) {
        close(victim.channel, "closed: connections still in their handshake hold over " + maxBytes
            + " bytes of partial frames (handshake-buffer-budget " + maxBytes + "), and this was among the oldest");
      }
    }
    log(summary);
  }

  /**
   * Which of an address's connections goes when it is over its cap: the oldest one stalled
   * part-way through a frame, else the oldest. Age alone is not enough: a good client's
   * connection can be admitted before part of a burst from the same address (the broker's accept
   * backlog overflowed and the kernel retried the burst's SYNs later), and then a stalled
   * connection admitted after it would outlive it. A good client's HELLO arrives whole, so it
   * holds no bytes while it waits for its WELCOME. At most {@code maxPerAddress + 1} entries.
   */
  private static Entry victimAmong(ArrayDeque<Entry> same) {
    for (Entry e : same) {
      if (e.held > 0) {
        return e;
      }
    }
    return same.peekFirst();
  }

  /** Takes {@code entry} out of the account (welcomed or closed); only the first call counts. */
  void release(Entry entry) {
    synchronized (this) {
      remove(entry);
    }
  }

  /** A snapshot of the account and of the evictions so far. */
  public synchronized HandshakeStats stats() {
    return new HandshakeStats(connections, bytes, evictedOverAddressCap, evictedOverBufferBudget);
  }

  private void remove(Entry entry) {
    if (entry.gone) {
      return;
    }
    entry.gone = true;
    connections--;
    if (entry.held > 0) {
      bytes -= entry.held;
      holding.remove(entry.seq);
      entry.held = 0;
    }
    ArrayDeque<Entry> same = byAddress.get(entry.address);
    // The oldest is the usual one to go (evicted, or first to finish its handshake), so this is short.
    same.remove(entry);
    if (same.isEmpty()) {
      byAddress.remove(entry.address);
    }
  }

  /**
   * One line about the evictions since the last, if the last was long enough ago; otherwise makes
   * sure a report follows when it is due, so the last evictions of a burst are reported too.
   * Under the lock.
   */
  private String summaryIfDue() {
    long now = System.nanoTime();
    if (now - lastLogNanos < LOG_EVERY_NANOS) {
      if (!reportScheduled) {
        reportScheduled = true;
        GlobalEventExecutor.INSTANCE.schedule(this::scheduledReport, LOG_EVERY_NANOS - (now - lastLogNanos), TimeUnit.NANOSECONDS);
      }
      return null;
    }
    String line = String.format("closed %d connections still in their handshake since the last report: %d over "
            + "max-handshakes-per-address %d, %d over the handshake buffer budget of %d bytes; now %d in their handshake holding %d bytes",
        evictedOverAddressCap - loggedOverAddressCap + evictedOverBufferBudget - loggedOverBufferBudget,
        evictedOverAddressCap - loggedOverAddressCap, maxPerAddress, evictedOverBufferBudget - loggedOverBufferBudget, maxBytes,
        connections, bytes);
    lastLogNanos = now;
    loggedOverAddressCap = evictedOverAddressCap;
    loggedOverBufferBudget = evictedOverBufferBudget;
    return line;
  }

  private void scheduledReport() {
    String summary;
    synchronized (this) {
      reportScheduled = false;
      boolean unreported = evictedOverAddressCap != loggedOverAddressCap || evictedOverBufferBudget != loggedOverBufferBudget;
      summary = unreported ? summaryIfDue() : null;
    }
    log(summary);
  }

  private static void log(String summary) {
    if (summary != null) {
      log.warn(summary);
    }
  }

  /**
   * Closes an evicted connection on its own event loop (no other thread writes to a channel),
   * after a CONNECTION_LIMIT error naming the budget when the peer can read one. It is closed
   * at once, not half-closed and lingered as other fatal errors are, because its buffers are
   * what must be freed.
   */
  private void close(Channel ch, String reason) {
    ch.eventLoop().execute(() -> {
      // Chosen under the lock while still in its handshake, the connection may have been welcomed
      // on its event loop since: a welcomed connection is never closed for these budgets.
      if (!ch.isActive() || DispatchHandler.hasSession(ch)) {
        return;
      }
      ch.config().setAutoRead(false);
      if (tls) {
        ch.close();
        return;
      }
      ch.writeAndFlush(new ErrorReply(0, ErrorCode.CONNECTION_LIMIT, reason, true)).addListener(ChannelFutureListener.CLOSE);
      // A peer that does not read could hold the write, and with it the close, back.
      ch.eventLoop().schedule(() -> ch.close(), CLOSE_AFTER_MS, TimeUnit.MILLISECONDS);
    });
  }

  private static String describe(Object address) {
    return address instanceof java.net.InetAddress a ? a.getHostAddress() : String.valueOf(address);
  }
}
