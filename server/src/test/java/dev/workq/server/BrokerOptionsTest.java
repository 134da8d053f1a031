package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.internal.core.CoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BrokerOptionsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    BrokerOptions o = BrokerOptions.builder().build();
    assertEquals("127.0.0.1", o.listen().host());
    assertEquals(7070, o.listen().port());
    assertEquals(Duration.ofSeconds(10), o.listen().handshakeTimeout());
    assertNull(o.durability().dataDir(), "the library keeps state in memory unless told otherwise");
    assertEquals(FsyncPolicy.ALWAYS, o.durability().fsync());
    assertEquals(Duration.ofMillis(10), o.durability().fsyncInterval());
    assertEquals(Duration.ofSeconds(30), o.delivery().lease());
    assertEquals(3, o.delivery().maxAttempts());
    assertFalse(o.http().enabled());
    assertFalse(o.security().tls());
    long heap = Runtime.getRuntime().maxMemory();
    assertEquals((long) (heap * 0.25), o.limits().maxMemoryBytes());
    assertEquals(o.limits().maxMemoryBytes() / 2, o.limits().maxQueueBytes());
  }

  @Test
  void aGroupCanBeSetWholeOrEditedInPlace() {
    DeliveryOptions delivery = DeliveryOptions.builder().maxAttempts(7).build();
    BrokerOptions o = BrokerOptions.builder()
        .delivery(delivery)
        .delivery(d -> d.lease(Duration.ofMinutes(2)))
        .listen(ListenOptions.builder().port(0).build())
        .host("::1")
        .build();
    assertEquals(7, o.delivery().maxAttempts(), "editing keeps what the whole group set");
    assertEquals(Duration.ofMinutes(2), o.delivery().lease());
    assertEquals(0, o.listen().port());
    assertEquals("::1", o.listen().host());
    assertEquals(DeliveryOptions.DEFAULT_LEASE, delivery.lease(), "the group set whole is not changed by later edits");
  }

  @Test
  void aByteBudgetLeftAtItsDefaultStaysADefaultThroughToBuilder() {
    LimitOptions limits = LimitOptions.builder().build();
    LimitOptions smaller = limits.toBuilder().maxMemoryBytes(8L << 20).build();
    assertEquals(4L << 20, smaller.maxQueueBytes(), "the queue budget follows the new memory budget");
  }

  @Test
  void theCoreSeesTheGroupsInItsUnits() {
    BrokerOptions o = BrokerOptions.builder()
        .delivery(d -> d.lease(Duration.ofSeconds(5)).retryBackoff(Duration.ofMillis(20), Duration.ofSeconds(2)))
        .limits(l -> l.maxQueueLength(42))
        .listen(l -> l.maxFrame(1 << 20))
        .build();
    CoreConfig core = CoreConfig.of(o);
    assertEquals(5_000, core.leaseMs());
    assertEquals(20, core.retryBackoffMs());
    assertEquals(2_000, core.retryBackoffMaxMs());
    assertEquals(42, core.maxQueueLength());
    assertEquals((1 << 20) - 4096, core.maxPayload());
    assertEquals(1 << 19, core.statsPageBytes());
  }

  @Test
  void checksNameTheOptionAndTheValue() {
    assertMessage("fsyncInterval must be 1 ms..10 s, got PT0S",
        () -> DurabilityOptions.builder().fsyncInterval(Duration.ZERO));
    assertMessage("maxAttempts must be 1..100, got 0", () -> DeliveryOptions.builder().maxAttempts(0));
    assertMessage("httpPort must be -1 (off) or 0..65535, got -2", () -> HttpOptions.builder().port(-2));
    assertMessage("maxQueueBytes must be 0 (the default) or at least 1024, got 5", () -> LimitOptions.builder().maxQueueBytes(5));
    assertMessage("tlsClientCa needs TLS: give a certificate and key too",
        () -> BrokerOptions.builder().security(s -> s.tlsClientCa(Path.of("ca.pem"))).build());
    assertMessage("listen must not be null", () -> BrokerOptions.builder().listen((ListenOptions) null));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, e);
    assertTrue(thrown.getMessage().equals(expected), thrown.getMessage());
  }
}
