package dev.workq.server.internal.core;

import dev.workq.protocol.StatsReply;
import dev.workq.server.internal.journal.JournalStats;
import java.util.Set;

/**
 * A consistent view of the broker for metrics and the dashboard, taken on the core thread.
 *
 * @param paused names of the queues whose deliveries are paused
 * @param journal the journal's counters, or null for an in-memory broker
 */
public record CoreSnapshot(StatsReply stats, Set<String> paused, JournalStats journal) {}
