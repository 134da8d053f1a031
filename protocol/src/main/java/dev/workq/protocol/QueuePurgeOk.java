package dev.workq.protocol;

/**
 * The answer to {@link QueuePurge}: how many items of each sort it removed.
 *
 * @param ready ready items other than STOPs
 * @param delayed items waiting for a delay or a retry backoff
 * @param stops pending STOP sentinels
 * @param dead dead letters (0 unless asked for)
 */
public record QueuePurgeOk(long corr, String queue, long ready, long delayed, long stops, long dead) implements Message, Reply {}
