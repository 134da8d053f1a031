package dev.workq.server.internal.journal;

/**
 * A point-in-time copy of the journal's counters, for metrics and for the broker's decisions.
 *
 * @param appends              records whose callback reported success since open
 * @param appendFailures       records whose callback reported an error since open
 * @param fsyncs               fsync calls on segment and snapshot files since open
 * @param lastFsyncNanos       duration of the most recent fsync, in nanoseconds (0 if none yet)
 * @param totalFsyncNanos      summed duration of all fsyncs, in nanoseconds
 * @param fsyncFailures        fsync calls that threw
 * @param bytesWritten         bytes written to segment files since open, headers included
 * @param compactions          snapshots written and made current since open
 * @param compactionFailures   compactions that failed (the previous state stays valid)
 * @param truncatedTailBytes   bytes dropped as a torn write from the last segment at open
 */
public record JournalStats(
    long appends,
    long appendFailures,
    long fsyncs,
    long lastFsyncNanos,
    long totalFsyncNanos,
    long fsyncFailures,
    long bytesWritten,
    long compactions,
    long compactionFailures,
    long truncatedTailBytes) {

  /** @return the mean fsync duration in nanoseconds, or 0 if there has been no fsync */
  public long avgFsyncNanos() {
    return fsyncs == 0 ? 0 : totalFsyncNanos / fsyncs;
  }
}
