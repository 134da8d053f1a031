package dev.workq.server.internal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link Storage} that passes everything to a {@link FileStorage}, for tests that change or
 * watch one or two operations: override those, and {@link #write} / {@link #force} for what
 * happens inside the files it opens.
 */
abstract class ForwardingStorage implements Storage {

  final FileStorage delegate = new FileStorage();

  /** A write to a file this storage opened; by default the file's own. */
  void write(WritableFile file, ByteBuffer source, long position) throws IOException {
    file.write(source, position);
  }

  /** A force of a file this storage opened; by default the file's own. */
  void force(WritableFile file) throws IOException {
    file.force();
  }

  @Override
  public WritableFile openWritable(Path file) throws IOException {
    WritableFile real = delegate.openWritable(file);
    return new WritableFile() {
      @Override
      public void write(ByteBuffer source, long position) throws IOException {
        ForwardingStorage.this.write(real, source, position);
      }

      @Override
      public void force() throws IOException {
        ForwardingStorage.this.force(real);
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
    delegate.moveAtomically(source, target);
  }

  @Override
  public void delete(Path file) throws IOException {
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
