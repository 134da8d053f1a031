package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who closes a client's threads: the client its own, the creator shared ones. */
class ClientResourcesTest {

  private final FakeBroker broker = new FakeBroker();

  @AfterEach
  void tearDown() {
    broker.close();
  }

  @Test
  void aClientConnectedWithoutResourcesClosesItsOwn() {
    WorkqClient client = WorkqClient.connect(broker.options().build());
    ClientResources own = client.resources();
    assertFalse(own.isClosed());
    client.close();
    assertTrue(own.isClosed(), "closed with the client");
    assertTrue(own.eventLoopGroup().isShutdown());
    assertTrue(own.callbackExecutor().isShutdown());
  }

  @Test
  void sharedResourcesServeManyClientsAndOutliveThem() {
    try (ClientResources shared = ClientResources.builder().ioThreads(2).build()) {
      WorkqClient first = WorkqClient.connect(broker.options().name("first").build(), shared);
      WorkqClient second = WorkqClient.connect(broker.options().name("second").build(), shared);
      assertSame(shared, first.resources());
      assertSame(shared, second.resources());
      assertNotNull(first.put("q", 1));
      first.close();
      assertFalse(shared.isClosed(), "a client does not close resources it was given");
      assertNotNull(second.put("q", 2), "the other client still runs on them");
      second.close();
      assertFalse(shared.eventLoopGroup().isShutdown());
    }
  }

  @Test
  void closedResourcesAreRefusedAndSettingsAreChecked() {
    ClientResources closed = ClientResources.create();
    closed.close();
    closed.close();
    assertThrows(IllegalStateException.class, () -> WorkqClient.connect(broker.options().build(), closed));
    assertThrows(IllegalArgumentException.class, () -> WorkqClient.connect(broker.options().build(), null));
    assertThrows(IllegalArgumentException.class, () -> ClientResources.builder().ioThreads(0));
    assertThrows(IllegalArgumentException.class, () -> ClientResources.builder().callbackThreads(257));
  }
}
