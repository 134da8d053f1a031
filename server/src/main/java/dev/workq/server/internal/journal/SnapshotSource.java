package dev.workq.server.internal.journal;

import java.io.IOException;
import java.util.List;

/**
 * The live state a compaction writes, turned into records on the journal's compactor thread
 * rather than by the caller: the broker's core thread only captures references to what is live
 * (no payload is copied there) and goes on serving while the snapshot is encoded and written.
 */
@FunctionalInterface
public interface SnapshotSource {

  /** Takes the records of a snapshot one at a time, so a snapshot need not be held encoded in memory. */
  @FunctionalInterface
  interface Sink {
    /** @param record one record, as {@link Journal#append} would take it; the sink does not keep it */
    void accept(byte[] record) throws IOException;
  }

  /**
   * Hands every record of the snapshot to {@code sink}, in replay order. Called once, on the
   * compactor thread, so whatever it reads must not change after the snapshot was taken.
   */
  void writeTo(Sink sink) throws IOException;

  /** A snapshot of records already encoded. */
  static SnapshotSource of(List<byte[]> records) {
    List<byte[]> copy = List.copyOf(records);
    return sink -> {
      for (byte[] r : copy) {
        sink.accept(r);
      }
    };
  }
}
