package dev.workq.server.internal.core;

import dev.workq.protocol.ClusterInfo;
import dev.workq.server.internal.journal.Journal;

/**
 * Where a cluster leader's core sends its state changes instead of a journal: the replicated log.
 * A record is reported durable once a majority of the cluster has it under its fsync policy.
 *
 * <p>A record the log cannot commit is never reported as failed: its fate is unknown (a new
 * leader may still commit it), so the log abandons the whole core instead, and every peer
 * waiting for an answer asks the new leader again. Callbacks run on the log's threads and must be
 * quick.
 */
public interface RecordLog {

  /** Appends {@code record}, without blocking; {@code done} runs, with null, once it is committed. */
  void append(byte[] record, Journal.AppendCallback done);

  /** The cluster as this node sees it now, for stats; cheap, called on the core thread. */
  ClusterInfo cluster();
}
