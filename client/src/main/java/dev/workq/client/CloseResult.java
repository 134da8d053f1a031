package dev.workq.client;

/**
 * What {@link WorkqClient#closeQueue(String)} found: the queue takes no new tasks from now on.
 *
 * @param queue the queue
 * @param unfinished its tasks not yet finished (ready, delayed, running)
 * @param workers workers consuming it now: each gets a STOP once {@code unfinished} is 0
 */
public record CloseResult(String queue, long unfinished, int workers) {}
