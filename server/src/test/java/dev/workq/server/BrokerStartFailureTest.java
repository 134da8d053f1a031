package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails half-way stops what it had started: the next broker can use the same data directory. */
class BrokerStartFailureTest {

  @TempDir
  Path dataDir;

  private BrokerOptions.Builder journaled() {
    return BrokerOptions.builder().port(0).durability(d -> d.dataDir(dataDir));
  }

  private void assertDataDirIsFree() {
    Broker.start(journaled().build()).close();
  }

  @Test
  void aFailedBindReleasesTheDataDirectoryAndTheJournal() {
    try (Broker other = Broker.start(BrokerOptions.builder().port(0).build())) {
      BrokerException e = assertThrows(BrokerException.class, () -> Broker.start(journaled().port(other.port()).build()));
      assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + other.port()), e.getMessage());
    }
    assertDataDirIsFree();
  }

  @Test
  void aFailedHttpListenerReleasesTheDataDirectoryAndTheBrokerPort() {
    try (Broker other = Broker.start(BrokerOptions.builder().port(0).build())) {
      BrokerException e = assertThrows(BrokerException.class,
          () -> Broker.start(journaled().http(h -> h.port(other.port())).build()));
      assertTrue(e.getMessage().startsWith("cannot listen for HTTP"), e.getMessage());
    }
    assertDataDirIsFree();
  }

  @Test
  void anExposedListenerWithoutAKeyReleasesTheDataDirectory() {
    BrokerException e = assertThrows(BrokerException.class, () -> Broker.start(journaled().host("0.0.0.0").build()));
    assertTrue(e.getMessage().startsWith("refusing to listen on 0.0.0.0"), e.getMessage());
    assertDataDirIsFree();
  }
}
