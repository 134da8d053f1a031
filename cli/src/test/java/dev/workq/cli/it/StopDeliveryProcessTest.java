package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.QueueStats;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A STOP is not lost with the worker that took it: a real worker JVM takes a STOP behind a
 * running task and is SIGKILLed before it acks it; the STOP goes back and the next worker takes
 * it (after the task, which comes back too), finishes the task and exits 0.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StopDeliveryProcessTest {

  @TempDir
  Path dataDir;

  private final WorkerProcesses workers = new WorkerProcesses();
  private BrokerProcess broker;

  @AfterEach
  void stop() throws Exception {
    workers.close();
    if (broker != null) {
      broker.close();
    }
  }

  private static QueueStats tasks(WorkqClient client) {
    return client.stats().queues().stream().filter(q -> q.name().equals("tasks")).findFirst().orElse(null);
  }

  @Test
  void aStopTakenByAWorkerKilledBeforeItsAckGoesToTheNextWorker() throws Exception {
    broker = BrokerProcess.start(QueueCloseProcessTest.freePort(), dataDir, "--in-memory");
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(broker.address()).build())) {
      Process first = workers.start(broker.address(), "--concurrency", "1", "--prefetch", "4");
      await().atMost(Duration.ofSeconds(90)).until(() -> client.stats().workers().size() == 1);
      CompletableFuture<TaskResult> slow = client.tasks().submit("tasks", "sleep", Map.of("ms", 4000));
      client.stopWorkers("tasks", 1);
      // It holds the task (running) and the STOP (waiting for the task to finish).
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        QueueStats q = tasks(client);
        return q != null && q.ready() == 0 && q.inFlight() == 1 && q.stops() == 1 && q.consumers() == 0;
      });
      assertTrue(workers.log(first).contains("took STOP"), workers.log(first));

      first.destroyForcibly();
      first.waitFor(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> tasks(client).ready() == 2);
      assertEquals(1, tasks(client).stops(), "the STOP is pending again");

      Process second = workers.start(broker.address(), "--concurrency", "1", "--prefetch", "4");
      assertEquals(0, workers.awaitExit(second, 90), workers.log(second));
      assertTrue(workers.log(second).contains("took STOP"), workers.log(second));
      TaskResult r = slow.get(30, TimeUnit.SECONDS);
      assertTrue(r.ok(), r.error());
      assertEquals(2, r.attempts(), "run again by the second worker");
      assertTrue(r.worker().endsWith(":" + second.pid()), r.worker());
      QueueStats after = tasks(client);
      assertEquals(0, after.stops(), "acked by the second worker on its way out");
      assertEquals(0, after.ready());
    }
  }
}
