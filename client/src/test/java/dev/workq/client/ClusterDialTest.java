package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dialing a list of brokers: around the list past dead ports and followers, and to the leader a follower names. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClusterDialTest {

  private final FakeBroker leader = new FakeBroker();
  private FakeFollower follower;

  @AfterEach
  void tearDown() {
    if (follower != null) {
      follower.close();
    }
    leader.close();
  }

  /** A port nothing listens on: bound, then freed. */
  static String deadAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private static ClientOptions.Builder options(String brokers) {
    return ClientOptions.builder(Map.of()).address(brokers).connectTimeout(Duration.ofSeconds(3));
  }

  @Test
  void aFollowerNamingTheLeaderSendsTheClientThere() throws Exception {
    follower = new FakeFollower(leader.address());
    try (WorkqClient c = WorkqClient.connect(options(follower.address() + "," + deadAddress()).build())) {
      assertEquals(1, follower.hellos.get());
      assertEquals(1, leader.hellos.size(), "the client followed the redirect to the leader");
      assertTrue(c.put("q", 1).startsWith(""), "and works there");
    }
  }

  @Test
  void aSingleAddressFollowsTheRedirectToo() {
    follower = new FakeFollower(leader.address());
    try (WorkqClient c = WorkqClient.connect(options(follower.address()).build())) {
      assertEquals(1, leader.hellos.size());
    }
  }

  @Test
  void deadPortsAndAFollowerWithoutLeaderAreSkippedAroundTheList() throws Exception {
    follower = new FakeFollower(null);
    try (WorkqClient c = WorkqClient.connect(options(deadAddress() + "," + follower.address() + "," + leader.address()).build())) {
      assertEquals(1, follower.hellos.get(), "the follower was asked, said it knows no leader, and the next was tried");
      assertEquals(1, leader.hellos.size());
    }
  }

  @Test
  void noServingBrokerFailsWithinTheConnectTimeoutNamingEachAddressTried() throws Exception {
    follower = new FakeFollower(null);
    String dead = deadAddress();
    long start = System.nanoTime();
    WorkqException e = assertThrows(WorkqException.class,
        () -> WorkqClient.connect(options(dead + "," + follower.address()).connectTimeout(Duration.ofMillis(1500)).build()));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs >= 1000 && tookMs < 6000, "kept trying for about the connect timeout: " + tookMs + " ms");
    assertTrue(follower.hellos.get() >= 2, "went around the list more than once");
    String m = e.getMessage();
    assertTrue(m.startsWith("cannot reach a serving broker among 2 within 1500 ms: "), m);
    assertTrue(m.contains(dead + " (connection refused)"), m);
    assertTrue(m.contains(follower.address() + " (NOT_LEADER: broker n2 is a follower; no leader is known)"), m);
    assertFalse(m.contains("\n"), m);
  }

  @Test
  void aSingleDeadAddressFailsAtOnceAsBefore() throws Exception {
    String dead = deadAddress();
    WorkqException e = assertThrows(WorkqException.class, () -> WorkqClient.connect(options(dead).build()));
    assertEquals("cannot reach broker at " + dead + ": connection refused", e.getMessage());
  }
}
