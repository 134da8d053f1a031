package dev.workq.client;

/**
 * What {@link WorkqClient#purge(String, boolean)} removed from a queue.
 *
 * @param queue the queue
 * @param ready ready items other than STOPs
 * @param delayed items waiting for their delay or a retry backoff
 * @param stops pending STOP sentinels
 * @param deadLetters dead letters (0 unless asked for)
 */
public record PurgeResult(String queue, long ready, long delayed, long stops, long deadLetters) {

  /** Everything removed. */
  public long total() {
    return ready + delayed + stops + deadLetters;
  }
}
