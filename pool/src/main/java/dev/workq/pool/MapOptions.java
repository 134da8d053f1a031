package dev.workq.pool;

import java.time.Duration;

/**
 * Settings of one {@code map}, {@code imap} or {@code starmap} call. Immutable; build with
 * {@link #builder()}.
 */
public final class MapOptions {

  /** Inputs per task by default: {@value}. */
  public static final int DEFAULT_CHUNKSIZE = 1;
  /** The most inputs one task may carry: {@value}. */
  public static final int MAX_CHUNKSIZE = 100_000;
  /** All defaults: one input per task, the pool's timeout. */
  public static final MapOptions DEFAULTS = builder().build();

  private final int chunksize;
  private final Duration timeout;

  private MapOptions(Builder b) {
    this.chunksize = b.chunksize;
    this.timeout = b.timeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A shortcut for {@code builder().chunksize(n).build()}. */
  public static MapOptions chunksize(int n) {
    return builder().chunksize(n).build();
  }

  /**
   * Inputs sent together as one task (Python's {@code chunksize}); default 1. Larger chunks cost
   * fewer round trips for short tasks; each input still gets its own result or exception.
   */
  public int chunksize() {
    return chunksize;
  }

  /**
   * How long a blocking {@code map}/{@code starmap} may take in all, or how long {@code next()} of
   * an iterator waits for one result; null (the default) uses the pool's {@code timeout}.
   */
  public Duration timeout() {
    return timeout;
  }

  /** Builds {@link MapOptions}; every setter checks its argument. */
  public static final class Builder {
    private int chunksize = DEFAULT_CHUNKSIZE;
    private Duration timeout;

    private Builder() {}

    /** See {@link MapOptions#chunksize()}; 1..{@value MapOptions#MAX_CHUNKSIZE}. */
    public Builder chunksize(int chunksize) {
      if (chunksize < 1 || chunksize > MAX_CHUNKSIZE) {
        throw new IllegalArgumentException("chunksize must be 1.." + MAX_CHUNKSIZE + ", got " + chunksize);
      }
      this.chunksize = chunksize;
      return this;
    }

    /** See {@link MapOptions#timeout()}; positive, or null for the pool's. */
    public Builder timeout(Duration timeout) {
      if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public MapOptions build() {
      return new MapOptions(this);
    }
  }
}
