package dev.workq.protocol;

/**
 * The answer to {@link TaskCancel}.
 *
 * @param was the task's state before the request
 * @param cancelled whether this request cancelled it; false when it had already finished
 */
public record TaskCancelOk(long corr, String id, TaskState was, boolean cancelled) implements Message, Reply {}
