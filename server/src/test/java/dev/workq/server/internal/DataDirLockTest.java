package dev.workq.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory's LOCK file: one holder per directory, released on close, and put back by the
 * watcher when someone deletes or replaces it while the broker runs.
 */
class DataDirLockTest {

  @TempDir
  Path dir;

  private Path lockFile() {
    return dir.resolve(DataDirLock.FILE_NAME);
  }

  @Test
  void aSecondHolderInTheSameProcessIsRefusedNamingTheDirectory() throws IOException {
    try (DataDirLock first = DataDirLock.acquire(dir, Duration.ZERO)) {
      IOException e = assertThrows(IOException.class, () -> DataDirLock.acquire(dir, Duration.ZERO));
      assertTrue(e.getMessage().contains("another broker is using " + dir), e.getMessage());
      // The refusal opened nothing, so the first holder's OS lock is intact.
      assertTrue(first.holdsCurrentFile());
    }
  }

  @Test
  void aSecondHolderIsRefusedEvenAfterLockWasDeleted() throws IOException {
    try (DataDirLock first = DataDirLock.acquire(dir, Duration.ZERO)) {
      Files.delete(lockFile());
      IOException e = assertThrows(IOException.class, () -> DataDirLock.acquire(dir, Duration.ZERO));
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }
  }

  @Test
  void closeReleasesTheDirectory() throws IOException {
    DataDirLock.acquire(dir, Duration.ZERO).close();
    try (DataDirLock again = DataDirLock.acquire(dir, Duration.ZERO)) {
      assertTrue(again.holdsCurrentFile());
    }
  }

  @Test
  void aDeletedLockFileIsRecreatedAndLockedAgain() throws IOException {
    try (DataDirLock lock = DataDirLock.acquire(dir, Duration.ZERO)) {
      assertEquals(DataDirLock.Status.HELD, lock.check());
      Files.delete(lockFile());
      assertFalse(lock.holdsCurrentFile());
      assertEquals(DataDirLock.Status.RELOCKED, lock.check());
      assertTrue(Files.exists(lockFile()));
      assertTrue(lock.holdsCurrentFile());
      assertEquals(DataDirLock.Status.HELD, lock.check());
    }
  }

  @Test
  void aReplacedLockFileIsLockedAgain() throws IOException {
    try (DataDirLock lock = DataDirLock.acquire(dir, Duration.ZERO)) {
      Path other = dir.resolve("LOCK.new");
      Files.writeString(other, "not yours");
      Files.move(other, lockFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertEquals(DataDirLock.Status.RELOCKED, lock.check());
      assertTrue(lock.holdsCurrentFile());
    }
  }

  @Test
  void aNewLockFileHeldByAnotherHolderIsReportedAndTakenOnceItIsFree() throws IOException {
    try (DataDirLock lock = DataDirLock.acquire(dir, Duration.ZERO)) {
      Files.delete(lockFile());
      // Stands in for a second broker that created and locked a new LOCK. In one JVM it shows
      // as an overlapping lock rather than a failed tryLock; the watcher treats both alike.
      try (FileChannel intruder = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock held = intruder.lock();
        assertEquals(DataDirLock.Status.HELD_ELSEWHERE, lock.check());
        assertEquals(DataDirLock.Status.HELD_ELSEWHERE, lock.check());
        assertFalse(lock.holdsCurrentFile());
        held.release();
      }
      assertEquals(DataDirLock.Status.RELOCKED, lock.check());
      assertTrue(lock.holdsCurrentFile());
    }
  }

  @Test
  void aMissingDirectoryIsReportedNotThrown() throws IOException {
    Path sub = dir.resolve("data");
    try (DataDirLock lock = DataDirLock.acquire(sub, Duration.ZERO)) {
      Files.delete(sub.resolve(DataDirLock.FILE_NAME));
      Files.delete(sub);
      assertEquals(DataDirLock.Status.FAILED, lock.check());
    }
  }

  @Test
  void theWatcherPutsADeletedLockFileBackByItself() throws IOException {
    try (DataDirLock lock = DataDirLock.acquire(dir, Duration.ofMillis(20))) {
      Files.delete(lockFile());
      await().atMost(Duration.ofSeconds(10)).until(lock::holdsCurrentFile);
    }
  }
}
