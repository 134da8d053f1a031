package dev.workq.server.internal.core;

import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;

/**
 * The core's budgets: the bytes its items hold (per queue and in all), the number of queues and
 * consumers, and the refusals each limit has made. The core asks here before it accepts a put,
 * creates a queue or registers a consumer; each check answers null (go ahead) or the one-line
 * error to send. Core thread only.
 */
final class Budgets {

  private final CoreConfig config;
  /** Bytes held by every item the broker keeps, against {@link CoreConfig#maxMemoryBytes()}. */
  private long heldBytes;
  private int consumers;
  private long refusedMemory;
  private long refusedQueueBytes;
  private long refusedQueueLength;
  private long refusedQueueLimit;
  private long refusedConsumerLimit;

  Budgets(CoreConfig config) {
    this.config = config;
  }

  /** Null if {@code item} may join {@code q}, else the error refusing the put {@code corr}. */
  ErrorReply refusePut(QueueState q, Item item, long corr) {
    if (q.ready.size() + q.pendingPuts >= config.maxQueueLength()) {
      refusedQueueLength++;
      return new ErrorReply(corr, ErrorCode.QUEUE_FULL, "queue '" + q.name + "' holds " + (q.ready.size() + q.pendingPuts)
          + " items (max-length " + config.maxQueueLength() + ")", false);
    }
    long size = item.footprint();
    if (q.bytes + size > config.maxQueueBytes()) {
      refusedQueueBytes++;
      return new ErrorReply(corr, ErrorCode.QUEUE_FULL, "queue '" + q.name + "' holds " + q.bytes + " bytes of items and this one needs "
          + size + " (max-queue-bytes " + config.maxQueueBytes() + ")", false);
    }
    if (heldBytes + size > config.maxMemoryBytes()) {
      refusedMemory++;
      return new ErrorReply(corr, ErrorCode.MEMORY_LIMIT, "the broker holds " + heldBytes + " bytes of items, its memory budget is "
          + config.maxMemoryBytes() + " (max-memory-bytes): submits are refused until consumers take items off; retry later", false);
    }
    return null;
  }

  /** Null if {@code s} may create a queue named {@code name} while the broker holds {@code queues}, else the error. */
  ErrorReply refuseQueue(Session s, int queues, String name, long corr) {
    if (queues >= config.maxQueues()) {
      refusedQueueLimit++;
      return new ErrorReply(corr, ErrorCode.QUEUE_LIMIT, "the broker holds its maximum of " + config.maxQueues()
          + " queues (max-queues); delete unused ones (workq queue delete) before creating '" + name + "'", false);
    }
    if (s.queuesCreated >= config.maxQueuesPerConnection()) {
      refusedQueueLimit++;
      return new ErrorReply(corr, ErrorCode.QUEUE_LIMIT, "this connection has created " + s.queuesCreated
          + " queues (max-queues-per-connection " + config.maxQueuesPerConnection() + "); cannot create '" + name + "'", false);
    }
    return null;
  }

  /** Null if {@code s} may add a consumer, else the error refusing the CONSUME {@code corr}. */
  ErrorReply refuseConsumer(Session s, long corr) {
    if (s.consumers.size() >= config.maxConsumersPerConnection()) {
      refusedConsumerLimit++;
      return new ErrorReply(corr, ErrorCode.CONSUMER_LIMIT, "this connection has " + s.consumers.size()
          + " consumers (max-consumers-per-connection " + config.maxConsumersPerConnection() + "); cancel some first", false);
    }
    if (consumers >= config.maxConsumers()) {
      refusedConsumerLimit++;
      return new ErrorReply(corr, ErrorCode.CONSUMER_LIMIT, "the broker serves its maximum of " + config.maxConsumers()
          + " consumers (max-consumers); try again later", false);
    }
    return null;
  }

  void consumerAdded() {
    consumers++;
  }

  void consumerRemoved() {
    consumers--;
  }

  /** {@code item} is now kept by the broker, in {@code q}: its bytes count against the budgets. */
  void charge(QueueState q, Item item) {
    long size = item.footprint();
    q.bytes += size;
    heldBytes += size;
  }

  /** {@code item} is no longer kept: its bytes are free again. */
  void refund(QueueState q, Item item) {
    long size = item.footprint();
    q.bytes -= size;
    heldBytes -= size;
  }

  /** Where the broker stands, for metrics, with the waits' and the retained results' own counts. */
  CoreBudgets snapshot(int queues, InboundBudget inbound, CoreBudgets.WaitCounts waits, CoreBudgets.RetainedCounts retained) {
    return new CoreBudgets(heldBytes, config.maxMemoryBytes(), inbound.bytes(), inbound.maxBytes(), queues, config.maxQueues(),
        consumers, config.maxConsumers(), refusedMemory, refusedQueueBytes, refusedQueueLength, refusedQueueLimit,
        refusedConsumerLimit, waits, retained);
  }
}
