package dev.workq.server.internal.core;

/**
 * Where the broker stands against its budgets, for metrics: what is held now, each limit, and
 * how many requests each limit has refused since the broker started.
 *
 * @param heldBytes bytes of the items the broker holds, against {@code maxMemoryBytes}
 * @param pendingBytes bytes of requests read and not yet handled, against {@code maxPendingBytes}
 * @param queues queues now, against {@code maxQueues}
 * @param consumers consumers now, against {@code maxConsumers}
 * @param refusedMemory puts refused with MEMORY_LIMIT
 * @param refusedQueueBytes puts refused with QUEUE_FULL because of the queue's byte budget
 * @param refusedQueueLength puts refused with QUEUE_FULL because of the queue's length
 * @param refusedQueueLimit requests refused with QUEUE_LIMIT
 * @param refusedConsumerLimit CONSUMEs refused with CONSUMER_LIMIT
 */
public record CoreBudgets(long heldBytes, long maxMemoryBytes, long pendingBytes, long maxPendingBytes, int queues, int maxQueues,
    int consumers, int maxConsumers, long refusedMemory, long refusedQueueBytes, long refusedQueueLength, long refusedQueueLimit,
    long refusedConsumerLimit) {}
