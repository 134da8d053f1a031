package dev.workq.protocol;

/**
 * Every limit a broker enforces on its peers, as it announces them in {@link Welcome}, so a client
 * can size its frames, prefetch and batches without learning them from refusals. The fixed limits
 * of the protocol itself (attempts 1..100, leases 100 ms..24 h, 65,536 tags per RENEW) are in
 * docs/PROTOCOL.md, not here. A field a newer broker adds is ignored by older peers; a field an
 * older broker leaves out reads as 0, "not announced".
 *
 * @param maxFrame largest frame body after WELCOME, in bytes (FRAME_TOO_LARGE, fatal)
 * @param maxPayload largest PUT payload, in bytes (INVALID_REQUEST)
 * @param handshakeMaxFrame largest frame body before WELCOME, in bytes
 * @param handshakeTimeoutMs time from accept to WELCOME (TIMEOUT, fatal)
 * @param idleTimeoutMs time a connection may send no message (TIMEOUT, fatal)
 * @param maxConnections connections the broker serves at once (CONNECTION_LIMIT)
 * @param maxHandshakesPerAddress connections from one address still in their handshake
 * @param maxUnackedPerConnection deliveries one connection may hold unsettled (UNACKED_LIMIT for a FETCH)
 * @param maxPendingPerConnection requests read from one connection and not yet handled before the
 *     broker stops reading from it (backpressure, no error)
 * @param maxPendingBytes bytes read and not yet handled, broker-wide, before reading pauses
 * @param maxQueueLength ready items one queue holds (QUEUE_FULL)
 * @param maxQueueBytes payload bytes one queue holds (QUEUE_FULL)
 * @param maxMemoryBytes payload bytes all queues hold (MEMORY_LIMIT)
 * @param maxQueues queues the broker holds (QUEUE_LIMIT)
 * @param maxQueuesPerConnection queues one connection may create (QUEUE_LIMIT)
 * @param maxConsumers consumers broker-wide (CONSUMER_LIMIT)
 * @param maxConsumersPerConnection consumers one connection may hold (CONSUMER_LIMIT)
 * @param handshakeBufferBudget bytes of partial frames all connections in their handshake may hold
 *     before the oldest are closed
 * @param maxHandlersPerConnection handler names one connection's consumers may offer in all
 *     (INVALID_REQUEST for the CONSUME past it)
 * @param maxHandlerListsPerConnection different handler lists one connection's consumers may
 *     offer (INVALID_REQUEST for the CONSUME past it)
 * @param maxWaitsPerConnection task waits and queue joins one connection may have waiting at once
 *     (WAIT_LIMIT)
 * @param resultRetentionMs how long a finished task's state and result stay findable by id, in
 *     ms; also the dedup window after a task finished
 */
public record BrokerLimits(int maxFrame, int maxPayload, int handshakeMaxFrame, long handshakeTimeoutMs,
    long idleTimeoutMs, int maxConnections, int maxHandshakesPerAddress, int maxUnackedPerConnection,
    int maxPendingPerConnection, long maxPendingBytes, int maxQueueLength, long maxQueueBytes, long maxMemoryBytes,
    int maxQueues, int maxQueuesPerConnection, int maxConsumers, int maxConsumersPerConnection,
    long handshakeBufferBudget, int maxHandlersPerConnection, int maxHandlerListsPerConnection, int maxWaitsPerConnection,
    long resultRetentionMs) {
}
