package dev.workq.server.internal.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown by {@link Journal#open} when a journal file in the directory is locked by a writer that
 * is still running: another broker appends to this directory. Nothing in the directory has been
 * changed when this is thrown at open.
 */
public final class JournalInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** @param file the locked journal file */
  public JournalInUseException(Path file) {
    super(file + " is locked by another writer: another broker is appending to " + file.getParent());
    this.file = file;
  }

  /** @return the locked journal file */
  public Path file() {
    return file;
  }
}
