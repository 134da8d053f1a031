package dev.workq.client;

/**
 * What {@link WorkqClient#cancel(String)} did.
 *
 * @param id the task's id
 * @param was the task's state before the request
 * @param cancelled true if this request cancelled it; false if it had already finished (then
 *     {@code was} says how)
 */
public record CancelResult(String id, TaskState was, boolean cancelled) {}
