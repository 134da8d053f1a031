package dev.workq.server.internal.journal;

import java.io.IOException;

/**
 * Thrown by {@link Journal#open} when the journal directory holds damage that cannot be a torn
 * write from a crash: a bad record followed by valid ones, a bad record in a segment other than
 * the last or in a complete snapshot, an unknown file header, or a missing segment. The message
 * names the file and, for record damage, the byte offset, so an operator can inspect or repair it.
 */
public final class JournalCorruptedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** @param message names the file and what is wrong with it */
  public JournalCorruptedException(String message) {
    super(message);
  }
}
