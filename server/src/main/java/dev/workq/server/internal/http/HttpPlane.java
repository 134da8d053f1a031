package dev.workq.server.internal.http;

import java.util.concurrent.Executor;

/**
 * What every HTTP connection's handler shares: the metrics, the coalesced snapshots, the health
 * check and the executor ("workq-http", one thread) that builds every answer drawn from the core.
 * Answers are built there, not on the core thread (which would serve nothing else meanwhile) nor on
 * an event loop (which also serves the broker's connections, and a 20,000-queue scrape takes tens
 * of milliseconds to encode).
 */
record HttpPlane(BrokerMetrics metrics, SnapshotCache snapshots, HealthCheck health, Executor executor) {}
