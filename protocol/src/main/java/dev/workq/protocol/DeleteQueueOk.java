package dev.workq.protocol;

/**
 * The queue is gone.
 *
 * @param removed items deleted with it (ready, delayed and dead letters); 0 unless forced
 */
public record DeleteQueueOk(long corr, String queue, long removed) implements Message, Reply {}
