package dev.workq.server.internal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Storage} over {@link FileStorage} that counts forces and, on demand, fails writes,
 * forces, renames or deletes the way a full disk does. A failing write first writes half its
 * bytes, as a real short write would, so the journal's rollback is exercised.
 */
public final class FaultInjectingStorage implements Storage {

  final FileStorage delegate = new FileStorage();
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
  public WritableFile openWritable(Path file) throws IOException {
    WritableFile real = delegate.openWritable(file);
    return new WritableFile() {
      @Override
      public void write(ByteBuffer source, long position) throws IOException {
        if (failWrites) {
          failedWrites.incrementAndGet();
          ByteBuffer half = source.slice();
          half.limit(half.remaining() / 2);
          real.write(half, position);
          throw diskFull();
        }
        real.write(source, position);
      }

      @Override
      public void force() throws IOException {
        forces.incrementAndGet();
        if (failForces) {
          throw diskFull();
        }
        real.force();
      }

      @Override
      public long size() throws IOException {
        return real.size();
      }

      @Override
      public void truncate(long size) throws IOException {
        real.truncate(size);
      }

      @Override
      public boolean tryLockExclusively() throws IOException {
        return real.tryLockExclusively();
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    };
  }

  @Override
  public boolean isLockedForWriting(Path file) throws IOException {
    return delegate.isLockedForWriting(file);
  }

  @Override
  public InputStream openRead(Path file) throws IOException {
    return delegate.openRead(file);
  }

  @Override
  public long size(Path file) throws IOException {
    return delegate.size(file);
  }

  @Override
  public void truncate(Path file, long size) throws IOException {
    delegate.truncate(file, size);
  }

  @Override
  public void moveAtomically(Path source, Path target) throws IOException {
    if (failMoves) {
      throw new IOException("simulated crash before rename of " + source);
    }
    delegate.moveAtomically(source, target);
  }

  @Override
  public void delete(Path file) throws IOException {
    if (failDeletes) {
      throw new IOException("simulated crash before delete of " + file);
    }
    delegate.delete(file);
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    return delegate.list(dir);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    delegate.forceDirectory(dir);
  }
}
