package dev.workq.protocol;

/**
 * The answer to {@link QueueClose}.
 *
 * @param unfinished tasks on the queue not yet finished (ready, delayed, running)
 * @param workers workers consuming the queue now: each gets a STOP once {@code unfinished} is 0
 */
public record QueueCloseOk(long corr, String queue, long unfinished, int workers) implements Message, Reply {}
