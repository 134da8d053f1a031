package dev.workq.protocol;

/**
 * The answer to {@link QueueJoin}.
 *
 * @param joined true once the queue had no unfinished task; false when the wait timed out
 * @param unfinished its unfinished tasks when the answer was made
 */
public record QueueJoinOk(long corr, String queue, boolean joined, long unfinished) implements Message, Reply {}
