package dev.workq.server.internal.journal;

import dev.workq.server.internal.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@link Storage} on the local file system through {@link FileChannel}. Directories it creates
 * are 0700 and files 0600, from the moment they exist ({@link PrivateFiles}). Stateless apart from the
 * JVM-wide set of files it has locked, so one instance can serve any number of journals.
 *
 * <p>Locks are POSIX (fcntl) locks: they belong to the process, not the channel, and the OS drops
 * every lock a process holds on a file when that process closes <em>any</em> descriptor of it.
 * So a journal in this JVM must never open, and then close, a file another journal here has
 * locked: {@link #LOCKED_IN_THIS_JVM} lets {@link #isLockedForWriting} and {@link #openWritable}
 * answer for those files without opening them.
 */
public final class FileStorage implements Storage {

  /** Windows cannot open a directory as a channel; there renames are durable without it. */
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  /** {@link BasicFileAttributes#fileKey() File keys} of the files a {@link ChannelFile} here holds locked. */
  private static final Set<Object> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  @Override
  public WritableFile openWritable(Path file) throws IOException {
    Object key = fileKey(file);
    if (key != null && LOCKED_IN_THIS_JVM.contains(key)) {
      throw new IOException(file + " is locked by another journal in this process");
    }
    // Segments and snapshots hold payloads and results: created 0600 (see PrivateFiles).
    return new ChannelFile(file, PrivateFiles.open(file,
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)));
  }

  @Override
  public boolean isLockedForWriting(Path file) throws IOException {
    Object key = fileKey(file);
    if (key == null && !Files.exists(file)) {
      return false;
    }
    if (key != null && LOCKED_IN_THIS_JVM.contains(key)) {
      return true;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      // A shared lock conflicts with another process's exclusive one, and with nothing else.
      FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
      if (probe == null) {
        return true;
      }
      probe.release();
      return false;
    } catch (OverlappingFileLockException e) {
      // Locked in this JVM, though not through this class; treat it as a writer.
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** @return the file's identity (device and inode on Unix), or null if it does not exist or the OS has none */
  static Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public InputStream openRead(Path file) throws IOException {
    return Files.newInputStream(file, StandardOpenOption.READ);
  }

  @Override
  public long size(Path file) throws IOException {
    return Files.size(file);
  }

  @Override
  public void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
      channel.force(true);
    }
  }

  @Override
  public void moveAtomically(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.filter(Files::isRegularFile).forEach(files::add);
    }
    return files;
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    PrivateFiles.createDirectories(dir);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    if (WINDOWS) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** A {@link WritableFile} over one {@link FileChannel}. */
  private static final class ChannelFile implements WritableFile {
    private final Path path;
    private final FileChannel channel;
    private FileLock lock;
    private Object lockedKey;

    ChannelFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public void write(ByteBuffer source, long position) throws IOException {
      long at = position;
      while (source.hasRemaining()) {
        at += channel.write(source, at);
      }
    }

    @Override
    public void force() throws IOException {
      // force(false) is fdatasync: it still persists the file size, which appends need,
      // but skips timestamps, which replay does not.
      channel.force(false);
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
    }

    @Override
    public boolean tryLockExclusively() throws IOException {
      if (lock != null) {
        return true;
      }
      Object key = fileKey(path);
      if (key != null && !LOCKED_IN_THIS_JVM.add(key)) {
        return false;
      }
      FileLock taken;
      try {
        taken = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        taken = null;
      } catch (IOException | RuntimeException e) {
        LOCKED_IN_THIS_JVM.remove(key);
        throw e;
      }
      if (taken == null) {
        if (key != null) {
          LOCKED_IN_THIS_JVM.remove(key);
        }
        return false;
      }
      lock = taken;
      lockedKey = key;
      return true;
    }

    @Override
    public void close() throws IOException {
      try {
        // Closing the channel releases its lock.
        channel.close();
      } finally {
        if (lockedKey != null) {
          LOCKED_IN_THIS_JVM.remove(lockedKey);
          lockedKey = null;
        }
        lock = null;
      }
    }
  }
}
