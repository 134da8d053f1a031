package dev.workq.protocol;

/**
 * One queue's counters in a {@link StatsReply}.
 *
 * @param ready items waiting to be delivered
 * @param inFlight items delivered and not yet acked, completed or released
 * @param consumers consumers subscribed to the queue
 * @param delivered deliveries since the broker started
 * @param completed items acked or completed since the broker started
 */
public record QueueStats(String name, long ready, long inFlight, int consumers, long delivered,
    long completed) {}
