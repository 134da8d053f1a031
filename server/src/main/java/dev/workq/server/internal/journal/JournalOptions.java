package dev.workq.server.internal.journal;

import dev.workq.server.FsyncPolicy;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Immutable configuration of a {@link Journal}. Build with {@link #builder()}; every setter
 * rejects an invalid value with an {@link IllegalArgumentException} naming the argument, so a
 * bad configuration fails at startup rather than at the first append.
 */
public final class JournalOptions {

  /** Default directory holding segments and snapshots: {@code ./workq-data}, relative to the working directory. */
  public static final Path DEFAULT_DATA_DIR = Path.of("workq-data");
  /** Default fsync policy: {@link FsyncPolicy#ALWAYS}, so a confirmed record survives power loss. */
  public static final FsyncPolicy DEFAULT_FSYNC = FsyncPolicy.ALWAYS;
  /** Default longest delay, in milliseconds, between a write and its fsync under {@link FsyncPolicy#BATCH}: 10 ms. */
  public static final long DEFAULT_BATCH_INTERVAL_MILLIS = 10;
  /** Default size, in bytes, after which the writer rolls to a new segment file: 64 MiB. */
  public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
  /** Default most records written per write+fsync round (group commit): 4096 records. */
  public static final int DEFAULT_MAX_BATCH_RECORDS = 4096;
  /** Smallest accepted segment size, in bytes: 1 KiB, so tests can force many segments. */
  public static final long MIN_SEGMENT_BYTES = 1024;
  /** Largest accepted segment size, in bytes: 1 GiB, which keeps a torn-tail scan at open in memory. */
  public static final long MAX_SEGMENT_BYTES = 1024L * 1024 * 1024;

  private final Path dataDir;
  private final FsyncPolicy fsync;
  private final long batchIntervalMillis;
  private final long segmentBytes;
  private final int maxBatchRecords;
  private final Storage storage;
  private final FailureLog.Sink failureSink;
  private final LongSupplier nanoClock;
  private final Timer fsyncTimer;

  private JournalOptions(Builder b) {
    this.dataDir = b.dataDir;
    this.fsync = b.fsync;
    this.batchIntervalMillis = b.batchIntervalMillis;
    this.segmentBytes = b.segmentBytes;
    this.maxBatchRecords = b.maxBatchRecords;
    this.storage = b.storage;
    this.failureSink = b.failureSink;
    this.nanoClock = b.nanoClock;
    this.fsyncTimer = b.fsyncTimer;
  }

  /** @return a builder holding every default */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the directory holding segment and snapshot files */
  public Path dataDir() {
    return dataDir;
  }

  /** @return when appended records are fsynced */
  public FsyncPolicy fsync() {
    return fsync;
  }

  /** @return under {@link FsyncPolicy#BATCH}, the longest delay in milliseconds from a write to its fsync */
  public long batchIntervalMillis() {
    return batchIntervalMillis;
  }

  /** @return the segment size in bytes after which the writer starts a new segment */
  public long segmentBytes() {
    return segmentBytes;
  }

  /** @return the most records the writer takes into one write+fsync round */
  public int maxBatchRecords() {
    return maxBatchRecords;
  }

  /** @return the file-system layer */
  public Storage storage() {
    return storage;
  }

  /** @return the timer each fsync's duration is recorded in, or null (the default) for none */
  public Timer fsyncTimer() {
    return fsyncTimer;
  }

  /** Where write failures are reported; slf4j unless a test observes them. */
  FailureLog.Sink failureSink() {
    return failureSink;
  }

  /** The monotonic clock failure reports measure outages with; {@code System::nanoTime} unless a test fakes it. */
  LongSupplier nanoClock() {
    return nanoClock;
  }

  @Override
  public String toString() {
    return "JournalOptions{dataDir=" + dataDir + ", fsync=" + fsync
        + ", batchIntervalMillis=" + batchIntervalMillis + ", segmentBytes=" + segmentBytes
        + ", maxBatchRecords=" + maxBatchRecords + ", storage=" + storage.getClass().getSimpleName() + '}';
  }

  /** Mutable builder for {@link JournalOptions}; not thread-safe. */
  public static final class Builder {
    private Path dataDir = DEFAULT_DATA_DIR;
    private FsyncPolicy fsync = DEFAULT_FSYNC;
    private long batchIntervalMillis = DEFAULT_BATCH_INTERVAL_MILLIS;
    private long segmentBytes = DEFAULT_SEGMENT_BYTES;
    private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
    private Storage storage = new FileStorage();
    private FailureLog.Sink failureSink = FailureLog.Sink.of(FailureLog.LOG);
    private LongSupplier nanoClock = System::nanoTime;
    private Timer fsyncTimer;

    private Builder() {
    }

    /** @param dataDir directory for journal files, created at open if missing; not null */
    public Builder dataDir(Path dataDir) {
      if (dataDir == null) {
        throw new IllegalArgumentException("dataDir must not be null");
      }
      this.dataDir = dataDir;
      return this;
    }

    /** @param fsync the fsync policy; not null */
    public Builder fsync(FsyncPolicy fsync) {
      if (fsync == null) {
        throw new IllegalArgumentException("fsync must not be null");
      }
      this.fsync = fsync;
      return this;
    }

    /** @param batchIntervalMillis milliseconds, at least 1 */
    public Builder batchIntervalMillis(long batchIntervalMillis) {
      if (batchIntervalMillis < 1) {
        throw new IllegalArgumentException("batchIntervalMillis must be >= 1 ms, got " + batchIntervalMillis);
      }
      this.batchIntervalMillis = batchIntervalMillis;
      return this;
    }

    /** @param segmentBytes bytes, from {@link #MIN_SEGMENT_BYTES} to {@link #MAX_SEGMENT_BYTES} */
    public Builder segmentBytes(long segmentBytes) {
      if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
        throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES
            + " and " + MAX_SEGMENT_BYTES + " bytes, got " + segmentBytes);
      }
      this.segmentBytes = segmentBytes;
      return this;
    }

    /** @param maxBatchRecords records per round, at least 1 */
    public Builder maxBatchRecords(int maxBatchRecords) {
      if (maxBatchRecords < 1) {
        throw new IllegalArgumentException("maxBatchRecords must be >= 1, got " + maxBatchRecords);
      }
      this.maxBatchRecords = maxBatchRecords;
      return this;
    }

    /** @param storage the file-system layer; not null */
    public Builder storage(Storage storage) {
      if (storage == null) {
        throw new IllegalArgumentException("storage must not be null");
      }
      this.storage = storage;
      return this;
    }

    /**
     * @param fsyncTimer records the duration of every fsync of a segment or snapshot file, on the
     *     journal's threads (it must be thread-safe and not block, as Micrometer's timers are);
     *     null, the default, records none. The fsync counters of {@link JournalStats} are kept either way.
     */
    public Builder fsyncTimer(Timer fsyncTimer) {
      this.fsyncTimer = fsyncTimer;
      return this;
    }

    /**
     * For tests: report write failures to {@code sink}, timing outages with {@code nanoClock}
     * (monotonic nanoseconds), so a fake clock needs no sleeps.
     */
    Builder failureReports(FailureLog.Sink sink, LongSupplier nanoClock) {
      if (sink == null || nanoClock == null) {
        throw new IllegalArgumentException("sink and nanoClock must not be null");
      }
      this.failureSink = sink;
      this.nanoClock = nanoClock;
      return this;
    }

    /** @return the immutable options */
    public JournalOptions build() {
      return new JournalOptions(this);
    }
  }
}
