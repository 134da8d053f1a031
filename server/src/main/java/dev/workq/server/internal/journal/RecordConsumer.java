package dev.workq.server.internal.journal;

import java.io.IOException;

/**
 * Receives the journal's records, in append order, while {@link Journal#open} replays them.
 * The journal never interprets a record; the broker decodes it.
 */
@FunctionalInterface
public interface RecordConsumer {
  /**
   * Accepts one replayed record. Throwing aborts {@link Journal#open}, which then rethrows.
   *
   * @param record the record's payload exactly as it was appended; owned by the consumer
   */
  void accept(byte[] record) throws IOException;
}
