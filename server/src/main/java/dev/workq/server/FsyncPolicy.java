package dev.workq.server;

/**
 * When the broker's journal forces what it wrote to stable storage, and so when a put is
 * confirmed. The loss windows below are for a power failure or an OS crash; a broker process
 * that is killed loses nothing it confirmed under any policy, since every confirmed record has
 * at least reached the operating system.
 */
public enum FsyncPolicy {
  /**
   * Every record is fsynced before it is confirmed. Records that arrive while an fsync runs share
   * the next write and fsync (group commit), so the cost is one fsync per round, not per record.
   * Loss window: none.
   */
  ALWAYS,
  /**
   * A record is confirmed once written to the operating system; an fsync follows within the
   * broker's fsync interval (default 10 ms). Loss window: records confirmed in the last interval.
   */
  BATCH,
  /**
   * A record is confirmed once written to the operating system and appends never fsync; only
   * compaction and shutdown do. Loss window: whatever the OS had not yet written back (on Linux,
   * typically up to 30 s).
   */
  NEVER
}
