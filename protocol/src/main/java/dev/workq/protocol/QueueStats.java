package dev.workq.protocol;

/**
 * One queue's counters in a {@link StatsReply}.
 *
 * @param ready items waiting to be delivered
 * @param inFlight items delivered and not yet acked, completed or released
 * @param consumers consumers subscribed to the queue
 * @param delivered deliveries since the broker started
 * @param completed items acked or completed since the broker started
 * @param delayed failed tasks waiting out their retry backoff
 * @param dead tasks in the queue's dead letters
 * @param failed handler failures reported for the queue's tasks
 * @param redelivered deliveries that returned to the queue unfinished (worker lost, lease expired)
 * @param leaseExpired leases that expired
 * @param waitingForHandler ready tasks whose handler no consumer of the queue offers: they wait
 *     for a worker that does (0 while a consumer that takes anything is subscribed)
 * @param paused whether deliveries from the queue are paused (puts are still accepted)
 * @param stops pending STOP sentinels, ready or delivered and not yet acked: workers that will
 *     stop once they reach them
 * @param closed whether the queue was closed (QUEUE_CLOSE): it takes no new tasks or values
 */
public record QueueStats(String name, long ready, long inFlight, int consumers, long delivered,
    long completed, long delayed, long dead, long failed, long redelivered, long leaseExpired, long waitingForHandler,
    boolean paused, long stops, boolean closed) {}
