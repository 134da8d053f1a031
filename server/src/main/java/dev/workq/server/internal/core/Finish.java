package dev.workq.server.internal.core;

import dev.workq.protocol.TaskState;

/**
 * How a task finished, carried by the result item the broker files for it: the task's state,
 * time and identity as its status reports them once the task itself is gone, and what its
 * deduplication needs (queue and key). Immutable, so a snapshot may share it.
 *
 * @param state DONE, DEAD or CANCELLED
 * @param finishedAt wall-clock millis when it finished
 * @param queue the task's queue (not its done queue)
 * @param key the task's deduplication key, or null
 * @param error the last attempt's error, or null
 */
record Finish(TaskState state, long finishedAt, String queue, String handler, String key, int priority, int attempts,
    int maxAttempts, String error) {}
