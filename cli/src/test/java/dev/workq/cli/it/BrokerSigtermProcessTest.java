package dev.workq.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.workq.client.WorkqClient;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A supervisor that stops the broker with SIGTERM sees a clean exit (0, not 143), and nothing confirmed is lost. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerSigtermProcessTest {

  @TempDir
  Path dataDir;

  @Test
  void sigtermClosesTheBrokerGracefullyAndExits0() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(0, dataDir)) {
      try (WorkqClient c = WorkqClient.connect(broker.address())) {
        c.put("kept", 1);
      }
      assertEquals(0, broker.terminate(30), broker.log());
    }
    try (BrokerProcess again = BrokerProcess.start(0, dataDir); WorkqClient c = WorkqClient.connect(again.address())) {
      assertEquals(1, c.stats().queues().stream().filter(q -> q.name().equals("kept")).findFirst().orElseThrow().ready());
    }
  }
}
