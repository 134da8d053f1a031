package dev.workq.server.internal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Storage} over {@link FileStorage} that counts forces and, on demand, fails writes,
 * forces, renames or deletes the way a full disk does. A failing write first writes half its
 * bytes, as a real short write would, so the journal's rollback is exercised.
 */
public final class FaultInjectingStorage extends ForwardingStorage {

  final AtomicInteger forces = new AtomicInteger();
  final AtomicInteger failedWrites = new AtomicInteger();
  public volatile boolean failWrites;
  public volatile boolean failForces;
  public volatile boolean failMoves;
  public volatile boolean failDeletes;

  static IOException diskFull() {
    return new IOException("No space left on device");
  }

  @Override
  void write(WritableFile file, ByteBuffer source, long position) throws IOException {
    if (failWrites) {
      failedWrites.incrementAndGet();
      ByteBuffer half = source.slice();
      half.limit(half.remaining() / 2);
      file.write(half, position);
      throw diskFull();
    }
    file.write(source, position);
  }

  @Override
  void force(WritableFile file) throws IOException {
    forces.incrementAndGet();
    if (failForces) {
      throw diskFull();
    }
    file.force();
  }

  @Override
  public void moveAtomically(Path source, Path target) throws IOException {
    if (failMoves) {
      throw new IOException("simulated crash before rename of " + source);
    }
    super.moveAtomically(source, target);
  }

  @Override
  public void delete(Path file) throws IOException {
    if (failDeletes) {
      throw new IOException("simulated crash before delete of " + file);
    }
    super.delete(file);
  }
}
