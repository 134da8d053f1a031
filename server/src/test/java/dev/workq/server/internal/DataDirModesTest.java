package dev.workq.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import dev.workq.server.internal.journal.FileStorage;
import dev.workq.server.internal.journal.Storage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory's modes: created 0700 with every file in it 0600, an existing open directory
 * warned about and used, and a {@code LOCK} that another local user could hold replaced or refused,
 * so that nobody but the broker's user can block its start.
 */
class DataDirModesTest {

  @TempDir
  Path tmp;

  @BeforeEach
  void posixOnly() {
    assumeTrue(PrivateFiles.posix(), "needs a file system with POSIX modes");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aNewDataDirectoryAndItsParentsAre0700AndLockIs0600() throws IOException {
    Path dir = tmp.resolve("srv/workq/data");
    try (DataDirLock lock = DataDirLock.acquire(dir, Duration.ZERO)) {
      assertEquals("rwx------", mode(dir));
      assertEquals("rwx------", mode(tmp.resolve("srv/workq")));
      assertEquals("rw-------", mode(dir.resolve(DataDirLock.FILE_NAME)));
    }
  }

  @Test
  void theJournalsStorageCreatesFiles0600AndDirectories0700() throws IOException {
    Storage storage = new FileStorage();
    Path dir = tmp.resolve("journal");
    storage.createDirectories(dir);
    try (Storage.WritableFile f = storage.openWritable(dir.resolve("00000000000000000001.seg"))) {
      f.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
    }
    assertEquals("rwx------", mode(dir));
    assertEquals("rw-------", mode(dir.resolve("00000000000000000001.seg")));
  }

  @Test
  void everyFileABrokerWritesInItsDataDirectoryIs0600() throws IOException {
    Path dir = tmp.resolve("data");
    Broker broker = Broker.start(BrokerOptions.builder().port(0)
        .durability(d -> d.dataDir(dir).compactMinBytes(1024)).build());
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build())) {
      for (int i = 0; i < 300; i++) {
        client.put("modes", Map.of("n", i, "pad", "x".repeat(100)));
      }
      for (int i = 0; i < 300; i++) {
        client.get("modes", Duration.ofSeconds(5)).orElseThrow();
      }
    } finally {
      broker.close();
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.toList();
    }
    assertTrue(files.size() >= 2, "expected LOCK and a segment at least: " + files);
    for (Path f : files) {
      assertEquals("rw-------", mode(f), f.toString());
    }
    assertEquals("rwx------", mode(dir));
  }

  @Test
  void anExistingOpenDirectoryIsWarnedAboutByNameAndModeAndStillUsed() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("old"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    String err = captureStderr(() -> DataDirLock.acquire(dir, Duration.ZERO).close());
    assertTrue(err.contains("data directory " + dir + " has mode 0755"), err);
    assertEquals(1, err.lines().filter(l -> l.contains("has mode 0755")).count(), err);
    // Not changed behind the operator's back: an upgrade keeps working, and the WARN says what to run.
    assertEquals("rwxr-xr-x", mode(dir));
  }

  @Test
  void aLockFileOthersCanOpenIsReplacedSoAReadLockOnItBlocksNothing() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("upgraded"));
    Path lockFile = dir.resolve(DataDirLock.FILE_NAME);
    Files.createFile(lockFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    Object oldInode = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
    // What another local user could do to a 0644 LOCK: open it for reading and hold a shared lock.
    try (FileChannel stranger = FileChannel.open(lockFile, StandardOpenOption.READ);
         FileLock held = stranger.lock(0, Long.MAX_VALUE, true)) {
      String err = captureStderr(() -> {
        try (DataDirLock lock = DataDirLock.acquire(dir, Duration.ZERO)) {
          assertTrue(lock.holdsCurrentFile());
        }
      });
      assertTrue(held.isValid());
      assertTrue(err.contains(lockFile + " had mode 0644"), err);
    }
    assertEquals("rw-------", mode(lockFile));
    assertNotEquals(oldInode, Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey());
    assertFalse(Files.exists(dir.resolve(DataDirLock.FILE_NAME + ".new")));
  }

  @Test
  void aLockFileOwnedByAnotherUserIsRefusedNamingItAndTheFix() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("foreign"));
    Path lockFile = Files.createFile(dir.resolve(DataDirLock.FILE_NAME));
    try {
      // Only root can give a file away; elsewhere this case cannot be set up.
      Files.setAttribute(lockFile, "unix:uid", 65534);
    } catch (IOException | UnsupportedOperationException e) {
      assumeTrue(false, "cannot chown a file here: " + e);
    }
    assumeTrue(!Files.getOwner(lockFile).equals(Files.getOwner(dir)), "the owner did not change");
    IOException e = assertThrows(IOException.class, () -> DataDirLock.acquire(dir, Duration.ZERO));
    assertTrue(e.getMessage().contains(lockFile + " belongs to user "), e.getMessage());
    assertTrue(e.getMessage().contains("remove " + lockFile), e.getMessage());
  }

  @Test
  void aSymbolicLinkAsLockIsRefused() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("linked"));
    Path target = Files.createFile(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(dir.resolve(DataDirLock.FILE_NAME), target);
    IOException e = assertThrows(IOException.class, () -> DataDirLock.acquire(dir, Duration.ZERO));
    assertTrue(e.getMessage().contains("not a regular file (a symbolic link)"), e.getMessage());
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** What slf4j-simple (which prints to the current System.err) writes while {@code action} runs. */
  private static String captureStderr(IoAction action) throws IOException {
    PrintStream saved = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
