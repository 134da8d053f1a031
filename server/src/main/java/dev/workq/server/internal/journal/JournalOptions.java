package dev.workq.server.internal.journal;

import dev.workq.server.DurabilityOptions;
import dev.workq.server.FsyncPolicy;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Immutable configuration of a {@link Journal}: a view over the broker's public
 * {@link DurabilityOptions} (directory, fsync policy and interval, which it does not copy) plus
 * what only the journal knows (segment size, batch size, the file-system layer, instruments).
 * Build with {@link #builder()} or {@link #builder(DurabilityOptions)}; every setter rejects an
 * invalid value with an {@link IllegalArgumentException} naming the argument, so a bad
 * configuration fails at startup rather than at the first append.
 */
public final class JournalOptions {

  /** Default directory holding segments and snapshots: {@code ./workq-data}, relative to the working directory. */
  public static final Path DEFAULT_DATA_DIR = Path.of("workq-data");
  /** Default size, in bytes, after which the writer rolls to a new segment file: 64 MiB. */
  public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
  /** Default most records written per write+fsync round (group commit): 4096 records. */
  public static final int DEFAULT_MAX_BATCH_RECORDS = 4096;
  /**
   * Default longest time, in microseconds, that a round of the writer waits for more records
   * under {@link dev.workq.server.FsyncPolicy#NEVER} and {@link dev.workq.server.FsyncPolicy#BATCH}
   * when it is busy: 250 µs, about one fsync on an SSD, so those policies batch their writes as
   * ALWAYS's group commit does.
   */
  public static final long DEFAULT_COALESCE_MICROS = 250;
  /** Largest accepted coalescing pause: 10,000 µs (10 ms). */
  public static final long MAX_COALESCE_MICROS = 10_000;
  /** Smallest accepted segment size, in bytes: 1 KiB, so tests can force many segments. */
  public static final long MIN_SEGMENT_BYTES = 1024;
  /** Largest accepted segment size, in bytes: 1 GiB, which keeps a torn-tail scan at open in memory. */
  public static final long MAX_SEGMENT_BYTES = 1024L * 1024 * 1024;

  private final DurabilityOptions durability;
  private final long segmentBytes;
  private final int maxBatchRecords;
  private final long coalesceMicros;
  private final Storage storage;
  private final FailureLog.Sink failureSink;
  private final LongSupplier nanoClock;
  private final Timer fsyncTimer;

  private JournalOptions(Builder b) {
    this.durability = b.durability.build();
    this.segmentBytes = b.segmentBytes;
    this.maxBatchRecords = b.maxBatchRecords;
    this.coalesceMicros = b.coalesceMicros;
    this.storage = b.storage;
    this.failureSink = b.failureSink;
    this.nanoClock = b.nanoClock;
    this.fsyncTimer = b.fsyncTimer;
  }

  /** @return a builder holding every default, journaling in {@link #DEFAULT_DATA_DIR} */
  public static Builder builder() {
    return new Builder(DurabilityOptions.builder().dataDir(DEFAULT_DATA_DIR).build());
  }

  /** @return a builder journaling as {@code durability} says, which must name a data directory */
  public static Builder builder(DurabilityOptions durability) {
    if (durability == null || durability.dataDir() == null) {
      throw new IllegalArgumentException("dataDir must not be null");
    }
    return new Builder(durability);
  }

  /** @return the directory holding segment and snapshot files */
  public Path dataDir() {
    return durability.dataDir();
  }

  /** @return when appended records are fsynced */
  public FsyncPolicy fsync() {
    return durability.fsync();
  }

  /** @return under {@link FsyncPolicy#BATCH}, the longest delay in milliseconds from a write to its fsync */
  public long batchIntervalMillis() {
    return durability.fsyncInterval().toMillis();
  }

  /** @return the segment size in bytes after which the writer starts a new segment */
  public long segmentBytes() {
    return segmentBytes;
  }

  /** @return the most records the writer takes into one write+fsync round */
  public int maxBatchRecords() {
    return maxBatchRecords;
  }

  /**
   * @return under NEVER and BATCH, the longest time in microseconds from the start of a round
   *     that wrote records to the start of the next (0: no pause); ALWAYS waits for its fsync instead
   */
  public long coalesceMicros() {
    return coalesceMicros;
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
    return "JournalOptions{dataDir=" + dataDir() + ", fsync=" + fsync()
        + ", batchIntervalMillis=" + batchIntervalMillis() + ", segmentBytes=" + segmentBytes
        + ", maxBatchRecords=" + maxBatchRecords + ", coalesceMicros=" + coalesceMicros + ", storage=" + storage.getClass().getSimpleName() + '}';
  }

  /** Mutable builder for {@link JournalOptions}; not thread-safe. */
  public static final class Builder {
    private final DurabilityOptions.Builder durability;
    private long segmentBytes = DEFAULT_SEGMENT_BYTES;
    private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
    private long coalesceMicros = DEFAULT_COALESCE_MICROS;
    private Storage storage = new FileStorage();
    private FailureLog.Sink failureSink = FailureLog.Sink.of(FailureLog.LOG);
    private LongSupplier nanoClock = System::nanoTime;
    private Timer fsyncTimer;

    private Builder(DurabilityOptions durability) {
      this.durability = durability.toBuilder();
    }

    /** @param dataDir directory for journal files, created at open if missing; not null */
    public Builder dataDir(Path dataDir) {
      if (dataDir == null) {
        throw new IllegalArgumentException("dataDir must not be null");
      }
      durability.dataDir(dataDir);
      return this;
    }

    /** @param fsync the fsync policy; not null */
    public Builder fsync(FsyncPolicy fsync) {
      if (fsync == null) {
        throw new IllegalArgumentException("fsync must not be null");
      }
      durability.fsync(fsync);
      return this;
    }

    /** @param batchIntervalMillis milliseconds, 1 to 10,000 (see {@link DurabilityOptions#fsyncInterval()}) */
    public Builder batchIntervalMillis(long batchIntervalMillis) {
      if (batchIntervalMillis < 1) {
        throw new IllegalArgumentException("batchIntervalMillis must be >= 1 ms, got " + batchIntervalMillis);
      }
      durability.fsyncInterval(Duration.ofMillis(batchIntervalMillis));
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

    /**
     * @param coalesceMicros under NEVER and BATCH, microseconds from the start of a round that
     *     wrote records before the next round may start, so that records appended meanwhile share
     *     one write; 0 to {@link #MAX_COALESCE_MICROS}, 0 writing each round as soon as the last
     *     ends. A record is still confirmed only after its write. An idle writer never waits.
     */
    public Builder coalesceMicros(long coalesceMicros) {
      if (coalesceMicros < 0 || coalesceMicros > MAX_COALESCE_MICROS) {
        throw new IllegalArgumentException("coalesceMicros must be between 0 and " + MAX_COALESCE_MICROS
            + " µs, got " + coalesceMicros);
      }
      this.coalesceMicros = coalesceMicros;
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
