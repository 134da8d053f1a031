package dev.workq.server;

import dev.workq.protocol.Checks;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether and how the broker journals its state: the data directory, when writes are forced to
 * disk, and when the journal is compacted. Immutable; build with {@link #builder()}. The journal's
 * internal settings are derived from these (see {@code internal.journal.JournalOptions}).
 */
public final class DurabilityOptions {

  /** Default fsync policy when journaling: every confirmed put is on disk (group commit). */
  public static final FsyncPolicy DEFAULT_FSYNC = FsyncPolicy.ALWAYS;
  /** Default longest time between fsyncs under {@link FsyncPolicy#BATCH}: 10 ms. */
  public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofMillis(10);
  /** Shortest accepted fsync interval: 1 ms. */
  public static final Duration MIN_FSYNC_INTERVAL = Duration.ofMillis(1);
  /** Longest accepted fsync interval: 10 s. */
  public static final Duration MAX_FSYNC_INTERVAL = Duration.ofSeconds(10);
  /** Default journal growth below which the broker never compacts, in bytes: 64 MiB. */
  public static final long DEFAULT_COMPACT_MIN_BYTES = 64L << 20;

  private final Path dataDir;
  private final FsyncPolicy fsync;
  private final Duration fsyncInterval;
  private final long compactMinBytes;

  private DurabilityOptions(Builder b) {
    this.dataDir = b.dataDir;
    this.fsync = b.fsync;
    this.fsyncInterval = b.fsyncInterval;
    this.compactMinBytes = b.compactMinBytes;
  }

  /** A builder holding every default: in memory, no journal. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Where the journal lives; null (the library's default) keeps everything in memory. The
   * {@code workq broker} command defaults it to {@code ./workq-data}.
   */
  public Path dataDir() {
    return dataDir;
  }

  /** Whether there is a journal: {@link #dataDir()} is set. */
  public boolean journaled() {
    return dataDir != null;
  }

  /** When journal writes are forced to disk; default {@link FsyncPolicy#ALWAYS}. */
  public FsyncPolicy fsync() {
    return fsync;
  }

  /** Longest time between fsyncs under {@link FsyncPolicy#BATCH}; default 10 ms. */
  public Duration fsyncInterval() {
    return fsyncInterval;
  }

  /** Journal growth below which the broker never compacts, in bytes; default 64 MiB. */
  public long compactMinBytes() {
    return compactMinBytes;
  }

  /** Builds {@link DurabilityOptions}; every setter checks its argument and names it in the message. */
  public static final class Builder {
    private Path dataDir;
    private FsyncPolicy fsync = DEFAULT_FSYNC;
    private Duration fsyncInterval = DEFAULT_FSYNC_INTERVAL;
    private long compactMinBytes = DEFAULT_COMPACT_MIN_BYTES;

    private Builder() {}

    private Builder(DurabilityOptions o) {
      this.dataDir = o.dataDir;
      this.fsync = o.fsync;
      this.fsyncInterval = o.fsyncInterval;
      this.compactMinBytes = o.compactMinBytes;
    }

    /** Turns on the journal in {@code dataDir}; null keeps state in memory only. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** See {@link DurabilityOptions#fsync()}; not null. */
    public Builder fsync(FsyncPolicy fsync) {
      if (fsync == null) {
        throw new IllegalArgumentException("fsync must not be null");
      }
      this.fsync = fsync;
      return this;
    }

    /** See {@link DurabilityOptions#fsyncInterval()}; 1 ms..10 s. */
    public Builder fsyncInterval(Duration interval) {
      if (interval == null || interval.compareTo(MIN_FSYNC_INTERVAL) < 0 || interval.compareTo(MAX_FSYNC_INTERVAL) > 0) {
        throw new IllegalArgumentException("fsyncInterval must be 1 ms..10 s, got " + interval);
      }
      this.fsyncInterval = interval;
      return this;
    }

    /** See {@link DurabilityOptions#compactMinBytes()}; at least 1024. */
    public Builder compactMinBytes(long bytes) {
      Checks.atLeast("compactMinBytes", bytes, 1024);
      this.compactMinBytes = bytes;
      return this;
    }

    /** The immutable options. */
    public DurabilityOptions build() {
      return new DurabilityOptions(this);
    }
  }
}
