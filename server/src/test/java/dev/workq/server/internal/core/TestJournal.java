package dev.workq.server.internal.core;

import dev.workq.server.internal.journal.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal for core unit tests: it keeps every record the core writes, in order, and confirms
 * each at once or, while {@link #hold}ing, when the test {@link #release}s them. Replaying it
 * into a new core is a restart (after a kill -9, the records written are what survives).
 */
final class TestJournal {

  final List<byte[]> records = new ArrayList<>();
  private final List<Journal.AppendCallback> held = new ArrayList<>();
  private boolean holding;

  Persistence persistence() {
    return Persistence.recording((record, done) -> {
      records.add(record);
      if (holding) {
        held.add(done);
      } else {
        done.done(null);
      }
    });
  }

  /** Confirmations wait for {@link #release} from now on. */
  void hold() {
    holding = true;
  }

  /** Confirms every held record, in order, and stops holding. */
  void release() {
    holding = false;
    List<Journal.AppendCallback> now = new ArrayList<>(held);
    held.clear();
    now.forEach(cb -> cb.done(null));
  }

  /** Fails every held record with {@code error}, and stops holding. */
  void fail(Exception error) {
    holding = false;
    List<Journal.AppendCallback> now = new ArrayList<>(held);
    held.clear();
    now.forEach(cb -> cb.done(error));
  }

  /** What a broker starting on this journal recovers. */
  Recovered replay() {
    Recovered r = new Recovered();
    try {
      for (byte[] record : records) {
        JournalRecords.replay(record, r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return r;
  }
}
