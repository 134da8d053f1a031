package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.QueueItem;
import dev.workq.client.WorkqClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two broker JVMs on one data directory: the second is refused with a one-line error naming the
 * directory whatever happened to {@code LOCK}, the first keeps serving, and nothing it confirmed
 * is lost across a restart.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DataDirLockProcessTest {

  private static final String QUEUE = "locked";

  @TempDir
  Path dataDir;

  @Test
  void aSecondBrokerIsRefusedAfterLockIsDeletedAndTheWatcherPutsItBack() throws Exception {
    Set<String> confirmed = new HashSet<>();
    Set<String> taken = new HashSet<>();
    try (BrokerProcess first = BrokerProcess.start(0, dataDir);
        WorkqClient client = WorkqClient.connect(first.address())) {
      putAll(client, 100, "before", confirmed);
      Path lock = dataDir.resolve("LOCK");
      Files.delete(lock);
      await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(lock) && first.log().contains("was deleted"));

      assertRefused(BrokerProcess.runExpectingExit(90, 0, dataDir), "LOCK");

      assertKeepsServing(client, confirmed, taken);
    }
    assertNothingLost(confirmed, taken);
  }

  @Test
  void aSecondBrokerStartedRightAfterLockIsDeletedIsStoppedByTheSegmentLock() throws Exception {
    Set<String> confirmed = new HashSet<>();
    Set<String> taken = new HashSet<>();
    // No watcher: LOCK stays deleted, so only the journal's own lock stands in the way.
    try (BrokerProcess first = BrokerProcess.start(List.of("-Dworkq.dataDirLock.watchMillis=0"), 0, dataDir);
        WorkqClient client = WorkqClient.connect(first.address())) {
      putAll(client, 100, "before", confirmed);
      Files.delete(dataDir.resolve("LOCK"));

      BrokerProcess.Exit second = BrokerProcess.runExpectingExit(90, 0, dataDir);
      assertRefused(second, "journal-");

      assertKeepsServing(client, confirmed, taken);
      // SIGKILL: the OS drops both locks, so the restart below must not be blocked.
      first.kill();
    }
    assertNothingLost(confirmed, taken);
  }

  private static void putAll(WorkqClient client, int n, String prefix, Set<String> confirmed) {
    for (int i = 0; i < n; i++) {
      confirmed.add(client.put(QUEUE, prefix + "-" + i));
    }
  }

  private void assertRefused(BrokerProcess.Exit exit, String names) {
    assertNotEquals(0, exit.status(), "the second broker started: " + exit.stderr());
    List<String> errors = exit.stderr().lines().filter(l -> l.startsWith("workq: ")).toList();
    assertEquals(1, errors.size(), exit.stderr());
    String error = errors.get(0);
    assertTrue(error.contains("another broker is using " + dataDir) && error.contains(names), error);
    assertFalse(exit.stderr().contains("\tat "), "a stack trace instead of one line: " + exit.stderr());
    System.out.println("second broker refused (exit " + exit.status() + "): " + error);
  }

  /** Puts more and takes some back through the first broker; what was taken moves from confirmed to taken. */
  private static void assertKeepsServing(WorkqClient client, Set<String> confirmed, Set<String> taken) {
    putAll(client, 50, "after", confirmed);
    for (int i = 0; i < 30; i++) {
      Optional<QueueItem> item = client.get(QUEUE, Duration.ofSeconds(10));
      assertTrue(item.isPresent(), "the first broker stopped serving");
      assertTrue(confirmed.remove(item.get().id()), "unexpected item " + item.get().id());
      taken.add(item.get().id());
    }
  }

  /**
   * Restarts a broker on the directory and takes everything back: every confirmed item not taken,
   * plus at most some taken ones whose ack had not reached the journal when the broker was killed
   * (acks are journaled behind, so delivery is at-least-once), and nothing else.
   */
  private void assertNothingLost(Set<String> expected, Set<String> taken) throws Exception {
    try (BrokerProcess again = BrokerProcess.start(0, dataDir);
        WorkqClient client = WorkqClient.connect(again.address())) {
      Set<String> found = new HashSet<>();
      Optional<QueueItem> item;
      while ((item = client.get(QUEUE, Duration.ofSeconds(2))).isPresent()) {
        found.add(item.get().id());
      }
      Set<String> lost = new HashSet<>(expected);
      lost.removeAll(found);
      assertEquals(Set.of(), lost, "confirmed items lost across the restart");
      Set<String> extra = new HashSet<>(found);
      extra.removeAll(expected);
      extra.removeAll(taken);
      assertEquals(Set.of(), extra, "items that were never confirmed");
      System.out.println("after the restart: " + found.size() + " items, none lost; " + (found.size() - expected.size())
          + " taken items back because their ack was not yet journaled");
    }
  }
}
