package dev.workq.server.internal.journal;

import dev.workq.server.FsyncPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's writer thread. The core thread hands it appends and compaction requests through
 * a lock-free queue; each round it drains everything queued (up to the batch limit), writes it
 * with one or few write calls, forces once if the policy asks, then runs all the round's
 * callbacks. Records that arrive during a force therefore share the next one (group commit).
 *
 * <p>Under {@link FsyncPolicy#NEVER} and {@link FsyncPolicy#BATCH} a round has no force to wait
 * for, so on its own it would be one or a few records long under load: a wake-up, a write and a
 * burst of callbacks for every handful of records. Instead a round that wrote records is followed
 * by a pause of at most {@link JournalOptions#coalesceMicros()} from its start, during which
 * appends queue up without waking the writer; the next round writes them all with one write and
 * then confirms them. The pause plays the part the fsync plays for ALWAYS. An idle writer is
 * woken at once, so a lone record is written without delay.
 */
final class JournalWriter implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
  /** Upper bound on an idle wait; wake-ups are explicit, this only bounds the cost of a missed one. */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** One queued operation: an append, or a compaction that must happen between two appends. */
  static final class Request {
    final byte[] record;
    final Journal.AppendCallback callback;
    final SnapshotSource snapshot;
    final CompletableFuture<Long> compaction;

    private Request(byte[] record, Journal.AppendCallback callback,
            SnapshotSource snapshot, CompletableFuture<Long> compaction) {
      this.record = record;
      this.callback = callback;
      this.snapshot = snapshot;
      this.compaction = compaction;
    }

    static Request append(byte[] record, Journal.AppendCallback callback) {
      return new Request(record, callback, null, null);
    }

    static Request compact(SnapshotSource snapshot, CompletableFuture<Long> done) {
      return new Request(null, null, snapshot, done);
    }

    boolean isAppend() {
      return snapshot == null;
    }
  }

  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final ArrayList<Request> batch = new ArrayList<>();
  private final SegmentLog log;
  private final SnapshotWriter compactor;
  private final JournalMetrics metrics;
  private final FsyncPolicy policy;
  private final long segmentBytes;
  private final int maxBatchRecords;
  private final long batchIntervalNanos;
  /** Shortest time from the start of one round that wrote records to the next, if the policy does not force each round. */
  private final long coalesceNanos;
  private final Thread thread;
  /** Reports write and fsync failures once per outage, not once per batch. */
  private final FailureLog failures;
  /**
   * True while the writer is about to park or parked, so enqueue only unparks when needed. The
   * first enqueue to see it clears it, so one idle period costs one unpark, not one per record
   * appended while the writer thread is being scheduled.
   */
  private final AtomicBoolean parked = new AtomicBoolean();
  private volatile boolean closing;
  private volatile Throwable fatal;

  JournalWriter(JournalOptions options, SegmentLog log, SnapshotWriter compactor, JournalMetrics metrics) {
    this.log = log;
    this.compactor = compactor;
    this.metrics = metrics;
    this.policy = options.fsync();
    this.segmentBytes = options.segmentBytes();
    this.maxBatchRecords = options.maxBatchRecords();
    this.batchIntervalNanos = TimeUnit.MILLISECONDS.toNanos(options.batchIntervalMillis());
    this.coalesceNanos = policy == FsyncPolicy.ALWAYS ? 0 : TimeUnit.MICROSECONDS.toNanos(options.coalesceMicros());
    this.failures = new FailureLog(options.dataDir(), options.failureSink(), options.nanoClock(),
        FailureLog.DEFAULT_REMINDER_INTERVAL);
    this.thread = new Thread(this, "workq-journal-writer");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Never blocks: a lock-free offer, plus an unpark only if the writer is idle. */
  void enqueue(Request request) {
    queue.offer(request);
    if (parked.get() && parked.compareAndSet(true, false)) {
      metrics.writerWakeups.incrementAndGet();
      LockSupport.unpark(thread);
    }
  }

  /** @return the error that stopped the writer thread, or null while it is healthy */
  Throwable fatal() {
    return fatal;
  }

  long currentSegmentBytes() {
    return log.currentBytes();
  }

  /** Lets the writer finish everything queued, force it, and stop; waits for that. */
  void close() {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("the journal cannot be closed from an append callback");
    }
    closing = true;
    LockSupport.unpark(thread);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    failQueued(new IllegalStateException("journal is closed"));
  }

  @Override
  public void run() {
    try {
      while (true) {
        long roundStart = System.nanoTime();
        Request control = drain();
        boolean idle = batch.isEmpty() && control == null;
        boolean wrote = !batch.isEmpty();
        if (wrote) {
          writeBatch();
          batch.clear();
        }
        if (control != null) {
          startCompaction(control);
        }
        forceIfDue();
        if (idle) {
          if (closing && queue.isEmpty()) {
            break;
          }
          waitForWork();
        } else if (wrote) {
          coalesce(roundStart);
        }
      }
    } catch (Throwable t) {
      fatal = t;
      LOG.error("Journal writer thread failed; the journal accepts no more appends", t);
      failQueued(new IOException("journal writer failed", t));
    } finally {
      try {
        log.close();
      } catch (IOException e) {
        LOG.error("Forcing the journal at close failed", e);
      }
    }
  }

  private Request drain() {
    while (batch.size() < maxBatchRecords) {
      Request r = queue.poll();
      if (r == null) {
        return null;
      }
      if (!r.isAppend()) {
        // A compaction splits the stream: records before it belong to the snapshot's
        // segment, records after it to the next one, so it ends the round.
        return r;
      }
      batch.add(r);
    }
    return null;
  }

  private void writeBatch() {
    int done = 0;
    metrics.writeRounds.incrementAndGet();
    try {
      log.repairIfNeeded();
      for (int i = 0; i < batch.size(); i++) {
        byte[] record = batch.get(i).record;
        if (log.holdsRecords()
            && log.end() + JournalFormat.RECORD_HEADER_BYTES + record.length > segmentBytes) {
          log.seal();
          log.commit();
          complete(done, i, null);
          done = i;
          log.roll();
        }
        log.add(record);
      }
      log.flush();
      if (policy == FsyncPolicy.ALWAYS) {
        log.force();
      }
      log.commit();
      failures.succeeded(FailureLog.Operation.WRITE);
      if (policy == FsyncPolicy.ALWAYS) {
        failures.succeeded(FailureLog.Operation.FSYNC);
      }
      complete(done, batch.size(), null);
    } catch (IOException | RuntimeException e) {
      try {
        log.rollback();
      } catch (IOException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      failures.failed(FailureLog.Operation.WRITE, e, batch.size() - done);
      complete(done, batch.size(), e);
    }
  }

  private void complete(int from, int to, Throwable error) {
    // Counted first, so a caller woken by the last callback sees its record in the stats.
    (error == null ? metrics.appends : metrics.appendFailures).addAndGet(to - from);
    for (int i = from; i < to; i++) {
      try {
        batch.get(i).callback.done(error);
      } catch (Throwable t) {
        LOG.error("Journal append callback threw", t);
      }
    }
  }

  private void startCompaction(Request request) {
    try {
      log.repairIfNeeded();
      log.seal();
      log.commit();
      long covered = log.seq();
      log.roll();
      compactor.submit(covered, request.snapshot, request.compaction);
    } catch (IOException | RuntimeException e) {
      metrics.compactionFailures.incrementAndGet();
      LOG.error("Compaction could not start; the journal keeps its segments", e);
      request.compaction.completeExceptionally(e);
    }
  }

  private void forceIfDue() {
    if (policy != FsyncPolicy.BATCH || !log.unforced()
        || System.nanoTime() - log.unforcedSinceNanos() < batchIntervalNanos) {
      return;
    }
    try {
      log.force();
      failures.succeeded(FailureLog.Operation.FSYNC);
    } catch (IOException e) {
      // The records were already confirmed as written; all that can be done is retry.
      log.deferForce();
      failures.failed(FailureLog.Operation.FSYNC, e, 0);
    }
  }

  /**
   * Lets appends gather for the next round, until {@link #coalesceNanos} after this round
   * started. The writer does not publish {@link #parked} here, so the appends it waits for cost
   * the core thread no unpark; only {@link #close} cuts the pause short.
   */
  private void coalesce(long roundStart) {
    long deadline = roundStart + coalesceNanos;
    if (policy == FsyncPolicy.BATCH && log.unforced()) {
      // The pause must not push BATCH's fsync past its interval.
      deadline = Math.min(deadline, log.unforcedSinceNanos() + batchIntervalNanos);
    }
    long remaining;
    while (!closing && (remaining = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, remaining);
    }
  }

  private void waitForWork() {
    long timeout = IDLE_PARK_NANOS;
    if (policy == FsyncPolicy.BATCH && log.unforced()) {
      long due = log.unforcedSinceNanos() + batchIntervalNanos - System.nanoTime();
      timeout = Math.max(1, Math.min(timeout, due));
    }
    parked.set(true);
    try {
      // Re-check after publishing 'parked': an enqueue either saw it or is visible here.
      if (queue.isEmpty() && !closing) {
        LockSupport.parkNanos(this, timeout);
      }
    } finally {
      parked.set(false);
    }
  }

  private void failQueued(Throwable error) {
    Request r;
    while ((r = queue.poll()) != null) {
      if (r.isAppend()) {
        metrics.appendFailures.incrementAndGet();
        try {
          r.callback.done(error);
        } catch (Throwable t) {
          LOG.error("Journal append callback threw", t);
        }
      } else {
        r.compaction.completeExceptionally(error);
      }
    }
  }
}
