package dev.workq.server.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a data directory's {@code LOCK} file, held while a broker uses the
 * directory: two brokers appending to one journal would corrupt it. The OS releases the lock when
 * the process dies, so a broker killed with SIGKILL does not block its successor.
 *
 * <p>A lock on a file does not survive the file being deleted: a second broker would create a new
 * {@code LOCK} and lock that. So this is the first of two guards. The second is the journal's own:
 * the running broker holds an exclusive lock on the segment it appends to, and a starting broker
 * refuses to open a directory with a locked segment (see {@code JournalRecovery}). On top of that a
 * watcher thread checks every {@link #DEFAULT_WATCH_INTERVAL} that {@code LOCK} is still the file
 * this broker locked, and if it was deleted or replaced re-creates and re-locks it, with one WARN;
 * if another process holds the new one, that is one ERROR naming the directory.
 *
 * <p>POSIX locks belong to the process: a second broker in the same JVM would not fail its
 * {@code tryLock} (it gets {@link OverlappingFileLockException}), and closing its channel would
 * silently drop the first broker's lock. So directories held in this JVM are also kept in a set,
 * checked before any file is opened.
 *
 * <p>The directory is created 0700 and {@code LOCK} 0600 ({@link PrivateFiles}), so no other local
 * user can open {@code LOCK} and hold a lock on it that would block the broker's restart; see
 * {@code openLockFile} for a {@code LOCK} that already exists with a looser mode or another owner.
 */
public final class DataDirLock implements AutoCloseable {

  /** How often the watcher checks that {@code LOCK} is still there: 1 s. */
  public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(1);
  /**
   * System property overriding {@link #DEFAULT_WATCH_INTERVAL}, in milliseconds; 0 turns the
   * watcher off. For tests that need {@code LOCK} to stay deleted, and for diagnosis.
   */
  public static final String WATCH_MILLIS_PROPERTY = "workq.dataDirLock.watchMillis";

  static final String FILE_NAME = "LOCK";
  private static final Set<StandardOpenOption> CREATE_WRITE = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);

  private static final Logger LOG = LoggerFactory.getLogger(DataDirLock.class);
  /** Identities of the directories a DataDirLock in this JVM holds. */
  private static final Set<Object> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  /** What one {@link #check} found. */
  enum Status {
    /** {@code LOCK} is the file this broker holds. */
    HELD,
    /** {@code LOCK} was missing or another file, and is now re-created (if needed) and locked again. */
    RELOCKED,
    /** {@code LOCK} is another file that another process (or broker in this JVM) holds. */
    HELD_ELSEWHERE,
    /** {@code LOCK} could not be checked or re-created (the directory is gone, an I/O error). */
    FAILED
  }

  private final Path dir;
  private final Path path;
  private final Object dirIdentity;
  private final ScheduledExecutorService watcher;
  // Guarded by this: the watcher thread and close() both use them.
  private FileChannel channel;
  private FileLock lock;
  private Object lockedKey;
  /** True once the current trouble (held elsewhere, or failing) has been logged, so it is logged once. */
  private boolean troubleReported;
  private boolean closed;

  private DataDirLock(Path dir, Object dirIdentity, FileChannel channel, FileLock lock, Object lockedKey,
      Duration watchInterval) {
    this.dir = dir;
    this.path = dir.resolve(FILE_NAME);
    this.dirIdentity = dirIdentity;
    this.channel = channel;
    this.lock = lock;
    this.lockedKey = lockedKey;
    if (watchInterval.isZero()) {
      watcher = null;
    } else {
      watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "workq-lock-watcher");
        t.setDaemon(true);
        return t;
      });
      long ms = watchInterval.toMillis();
      watcher.scheduleWithFixedDelay(this::checkQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Locks {@code dir}, creating it if needed, and starts watching its {@code LOCK} file; fails if
   * another broker holds it.
   */
  public static DataDirLock acquire(Path dir) throws IOException {
    return acquire(dir, watchIntervalFromProperty());
  }

  /** As {@link #acquire(Path)}, with the watcher checking every {@code watchInterval} (zero: no watcher). */
  static DataDirLock acquire(Path dir, Duration watchInterval) throws IOException {
    PrivateFiles.createDirectories(dir);
    PrivateFiles.warnIfOpen(dir);
    Object identity = identity(dir);
    if (!HELD_IN_THIS_JVM.add(identity)) {
      throw new IOException("another broker is using " + dir + " (in this process)");
    }
    Path path = dir.resolve(FILE_NAME);
    try {
      FileChannel channel = openLockFile(dir, path);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        channel.close();
        throw new IOException("another broker is using " + dir + " (it holds " + path + ")");
      }
      return new DataDirLock(dir, identity, channel, lock, fileKey(path), watchInterval);
    } catch (IOException | RuntimeException e) {
      HELD_IN_THIS_JVM.remove(identity);
      throw e;
    }
  }

  /**
   * Checks that {@code LOCK} is still the file this broker locked; if it was deleted or replaced,
   * re-creates and locks it. Logs one WARN per re-lock, and one ERROR per spell of being unable to.
   * The watcher calls this; tests call it directly.
   */
  synchronized Status check() {
    if (closed) {
      return Status.HELD;
    }
    try {
      Object current = fileKey(path);
      if (current != null && current.equals(lockedKey)) {
        return Status.HELD;
      }
      FileChannel fresh = PrivateFiles.open(path, CREATE_WRITE);
      FileLock freshLock;
      try {
        freshLock = tryLock(fresh);
      } catch (IOException | RuntimeException e) {
        fresh.close();
        throw e;
      }
      if (freshLock == null) {
        fresh.close();
        if (!troubleReported) {
          troubleReported = true;
          LOG.error("{} was deleted or replaced while this broker (pid {}) was using {}, and another process now holds it: "
              + "is a second broker starting on {}? It cannot open the journal while this broker writes it; stop it, "
              + "and do not delete {}", path, ProcessHandle.current().pid(), dir, dir, FILE_NAME);
        }
        return Status.HELD_ELSEWHERE;
      }
      // The old channel is on the old file (deleted, or renamed away), so closing it cannot
      // drop the lock just taken on the new one.
      closeQuietly(channel);
      channel = fresh;
      lock = freshLock;
      lockedKey = fileKey(path);
      troubleReported = false;
      LOG.warn("{} was {} while this broker was using {}; re-created and locked it again. Do not delete it: "
          + "it is what stops a second broker from opening {}", path, current == null ? "deleted" : "replaced by another file",
          dir, dir);
      return Status.RELOCKED;
    } catch (IOException | RuntimeException e) {
      if (!troubleReported) {
        troubleReported = true;
        LOG.error("cannot check or re-create {} (the lock on data directory {}): {}", path, dir, e.toString());
      }
      return Status.FAILED;
    }
  }

  /** @return true if {@code LOCK} is, right now, the file this broker holds locked */
  synchronized boolean holdsCurrentFile() throws IOException {
    return lock != null && lock.isValid() && lockedKey != null && lockedKey.equals(fileKey(path));
  }

  private void checkQuietly() {
    try {
      check();
    } catch (Throwable t) {
      // Never let an exception cancel the periodic task.
      LOG.error("checking {} failed", path, t);
    }
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        lock.release();
      } catch (IOException e) {
        // The process is going away or the lock is already gone; nothing to do.
      }
      closeQuietly(channel);
      HELD_IN_THIS_JVM.remove(dirIdentity);
    }
  }

  /**
   * Opens {@code LOCK}, creating it 0600 if missing. A lock can be blocked by anyone who can open
   * the file, if only for reading (a shared lock conflicts with the exclusive one), so a {@code
   * LOCK} that others could open is not used as it is: one owned by another user than the
   * directory's owner is refused (that user made it, and may hold it); one with group or other
   * bits (made by a broker before 0600, or by hand) is replaced by a fresh 0600 file, since a
   * descriptor someone opened earlier would survive a chmod. Replacing it does not let two
   * brokers run: a broker still running on the old file holds its journal segment locked, and the
   * journal refuses to open under it. A symbolic link or other non-regular file is refused.
   */
  private static FileChannel openLockFile(Path dir, Path path) throws IOException {
    if (!PrivateFiles.posix()) {
      return PrivateFiles.open(path, CREATE_WRITE);
    }
    PosixFileAttributes attrs = posixAttributes(path);
    if (attrs != null && !attrs.isRegularFile()) {
      throw new IOException(path + " is not a regular file (" + (attrs.isSymbolicLink() ? "a symbolic link" : "a "
          + (attrs.isDirectory() ? "directory" : "special file")) + "); remove it if no broker is running on " + dir);
    }
    if (attrs != null) {
      UserPrincipal dirOwner = Files.getOwner(dir);
      if (!attrs.owner().equals(dirOwner)) {
        throw new IOException(path + " belongs to user " + attrs.owner().getName() + ", not to " + dirOwner.getName()
            + " who owns " + dir + ": another user made it and can hold a lock on it that stops this broker from starting."
            + " If no broker is running on " + dir + ", remove " + path);
      }
      if (PrivateFiles.hasGroupOrOther(attrs.permissions())) {
        replaceWithPrivateFile(path, attrs);
      }
    }
    // NOFOLLOW: a link planted between the check above and here fails the open instead of being followed.
    return PrivateFiles.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
  }

  private static void replaceWithPrivateFile(Path path, PosixFileAttributes loose) throws IOException {
    Path fresh = path.resolveSibling(FILE_NAME + ".new");
    Files.deleteIfExists(fresh);
    PrivateFiles.open(fresh, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)).close();
    Files.move(fresh, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    LOG.warn("{} had mode {}: any local user could open it and hold a lock on it that stops the broker from starting;"
        + " replaced it with a file of mode 0600", path, PrivateFiles.octal(loose.permissions()));
  }

  private static PosixFileAttributes posixAttributes(Path file) throws IOException {
    try {
      return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The directory's device and inode where the OS has them, else its real path. */
  private static Object identity(Path dir) throws IOException {
    Object key = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
    return key != null ? key : dir.toRealPath();
  }

  private static Duration watchIntervalFromProperty() {
    String value = System.getProperty(WATCH_MILLIS_PROPERTY);
    if (value == null) {
      return DEFAULT_WATCH_INTERVAL;
    }
    try {
      long ms = Long.parseLong(value.trim());
      if (ms >= 0) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    LOG.warn("ignoring {}={}: not a number of milliseconds >= 0", WATCH_MILLIS_PROPERTY, value);
    return DEFAULT_WATCH_INTERVAL;
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // Nothing useful to do: the descriptor is gone either way.
    }
  }
}
