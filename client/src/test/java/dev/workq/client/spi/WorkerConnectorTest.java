package dev.workq.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.workq.client.ClientOptions;
import dev.workq.client.FakeBrokerAccess;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's way in: WORKER in the HELLO, its handlers with each CONSUME; a plain client offers none. */
class WorkerConnectorTest {

  @Test
  void aWorkerSaysWorkerAndOffersItsHandlersWithEachConsume() {
    try (FakeBrokerAccess broker = new FakeBrokerAccess()) {
      ClientOptions options = broker.options().name("worker-1").build();
      try (WorkqClient worker = WorkerConnector.connect(options, List.of("echo", "pi"))) {
        worker.consume("tasks", 4, d -> { });
      }
      assertEquals(Role.WORKER, broker.hello(0).role());
      assertEquals("worker-1", broker.hello(0).name());
      assertEquals(List.of("echo", "pi"), broker.consume(0).handlers());

      try (WorkqClient client = WorkqClient.connect(options)) {
        client.consume("tasks", 4, d -> { });
      }
      assertEquals(Role.CLIENT, broker.hello(1).role());
      assertNull(broker.consume(1).handlers(), "a client's consumer takes any handler");
    }
  }
}
