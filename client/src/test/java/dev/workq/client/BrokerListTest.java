package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A list of brokers in the options: how it is read, what it defaults, and the one-line errors naming a bad entry. */
class BrokerListTest {

  private static final Map<String, String> NONE = Map.of();

  @Test
  void aCommaSeparatedListKeepsItsOrderAndTheFirstIsHostAndPort() {
    ClientOptions o = ClientOptions.builder(NONE).address("10.0.0.1:7070,10.0.0.2:7071, [::1]:7072").build();
    assertEquals(List.of("10.0.0.1:7070", "10.0.0.2:7071", "[::1]:7072"), o.brokers());
    assertEquals("10.0.0.1", o.host());
    assertEquals(7070, o.port());
    assertTrue(o.failover(), "on by default with more than one broker");
    assertEquals(ClientOptions.DEFAULT_FAILOVER_TIMEOUT, o.failoverTimeout());
  }

  @Test
  void oneBrokerIsAsBeforeWithoutFailover() {
    ClientOptions o = ClientOptions.builder(NONE).address("h:1").build();
    assertEquals(List.of("h:1"), o.brokers());
    assertFalse(o.failover());
    assertEquals(List.of("127.0.0.1:7070"), ClientOptions.builder(NONE).build().brokers());
    assertTrue(ClientOptions.builder(NONE).address("h:1").failover(true).build().failover(), "failover can be asked for with one broker");
    assertFalse(ClientOptions.builder(NONE).address("a:1,b:2").failover(false).build().failover());
  }

  @Test
  void brokersTakesAListAndHostOrPortNarrowItToOne() {
    ClientOptions o = ClientOptions.builder(NONE).brokers(List.of("a:1", "b:2")).failoverTimeout(Duration.ofSeconds(5)).build();
    assertEquals(List.of("a:1", "b:2"), o.brokers());
    assertEquals(Duration.ofSeconds(5), o.failoverTimeout());
    assertEquals(List.of("a:1", "b:2"), o.toBuilder().build().brokers(), "toBuilder keeps the list");
    assertEquals(List.of("a:9"), o.toBuilder().port(9).build().brokers());
    assertEquals(List.of("c:1"), o.toBuilder().host("c").build().brokers());
  }

  @Test
  void theEnvironmentTakesAListToo() {
    ClientOptions o = ClientOptions.builder(Map.of("WORKQ_BROKER", " n1:7071,n2:7072,n3:7073 ")).build();
    assertEquals(List.of("n1:7071", "n2:7072", "n3:7073"), o.brokers());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClientOptions.builder(Map.of("WORKQ_BROKER", "n1:7071,n2")).build());
    assertTrue(e.getMessage().startsWith("WORKQ_BROKER must be HOST:PORT with a port in 1..65535, got 'n1:7071,n2'"), e.getMessage());
    assertTrue(e.getMessage().contains("broker 2 of 2"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void eachBadEntryIsNamedWithItsPlace() {
    assertError("a:1,b", "broker 2 of 2 in 'a:1,b': broker address must be HOST:PORT, got 'b'");
    assertError("a:1,b:0", "broker 2 of 2 in 'a:1,b:0': port must be 1..65535, got 0 in 'b:0'");
    assertError("a:1,,b:2", "broker 2 of 3 in 'a:1,,b:2': empty entry");
    assertError("a:1,a:1", "broker 2 of 2 in 'a:1,a:1': 'a:1' is listed twice");
    assertError("nohostport", "broker address must be HOST:PORT, got 'nohostport'");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder(NONE).brokers(List.of()));
    assertEquals("brokers must name at least one HOST:PORT, got []", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder(NONE).brokers(List.of("a:1,b:2")));
    assertEquals("brokers: each entry must be one HOST:PORT, got 'a:1,b:2'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder(NONE).failoverTimeout(Duration.ZERO));
  }

  private static void assertError(String address, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder(NONE).address(address));
    assertEquals(message, e.getMessage());
  }
}
