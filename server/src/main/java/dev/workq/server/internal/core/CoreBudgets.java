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
 * @param waits the task waits and queue joins, from {@link Waits}
 * @param retained the retained finished tasks, from {@link Retained}
 */
public record CoreBudgets(long heldBytes, long maxMemoryBytes, long pendingBytes, long maxPendingBytes, int queues, int maxQueues,
    int consumers, int maxConsumers, long refusedMemory, long refusedQueueBytes, long refusedQueueLength, long refusedQueueLimit,
    long refusedConsumerLimit, WaitCounts waits, RetainedCounts retained) {

  /**
   * The task waits (TASK_WAIT) and queue joins (QUEUE_JOIN) waiting.
   *
   * @param held waits and joins waiting over all connections
   * @param maxPerConnection the cap per connection (max-waits-per-connection)
   * @param refused TASK_WAITs and QUEUE_JOINs refused with WAIT_LIMIT
   */
  public record WaitCounts(int held, int maxPerConnection, long refused) {}

  /**
   * The finished tasks retained for status, wait and deduplication.
   *
   * @param results entries retained, against {@code maxResults} (max-retained-results)
   * @param bytes bytes they are counted at (result records plus {@link Retained#ENTRY_OVERHEAD}
   *     each), against {@code maxBytes} (max-retained-bytes)
   * @param evictedOverResults entries dropped before their retention was over to stay within {@code maxResults}
   * @param evictedOverBytes entries dropped before their retention was over to stay within {@code maxBytes}
   */
  public record RetainedCounts(int results, int maxResults, long bytes, long maxBytes, long evictedOverResults,
      long evictedOverBytes) {}
}
