package dev.workq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import dev.workq.server.FsyncPolicy;
import dev.workq.client.TaskState;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker given a list of brokers: a dead first address is skipped, and after its broker restarts
 * mid-task the worker dials the list again and runs the task again for the new session (the old
 * run's result is not sent on the new connection).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerBrokerListTest {

  @TempDir
  Path data;
  private Broker broker = Broker.start(BrokerOptions.builder().host("127.0.0.1").port(0).build());
  private Worker worker;
  private CompletableFuture<Integer> exit;

  @AfterEach
  void tearDown() throws Exception {
    if (worker != null) {
      worker.stop();
      exit.get(20, TimeUnit.SECONDS);
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aDeadFirstAddressIsSkipped() throws Exception {
    String list = ClusterFailoverTest.deadAddress() + ",127.0.0.1:" + broker.port();
    ClientOptions options = ClientOptions.builder().address(list).connectTimeout(Duration.ofSeconds(3)).build();
    worker = new Worker(WorkerOptions.builder().client(options).queue("jobs").concurrency(1).reconnectTimeout(Duration.ofSeconds(10)).build());
    exit = CompletableFuture.supplyAsync(worker::run);
    try (WorkqClient client = WorkqClient.connect(options)) {
      String id = client.enqueue("jobs", "echo", 5);
      TaskResult r = client.result(id, Duration.ofSeconds(20));
      assertTrue(r.ok(), r.toString());
      assertEquals(5, r.value().asInt());
    }
    assertEquals(1, worker.completed());
  }

  @Test
  void aTaskRunningWhenTheBrokerRestartsRunsAgainAfterTheWorkerDialsTheListAgain() throws Exception {
    broker.close();
    broker = journaled(0);
    int port = broker.port();
    String list = "127.0.0.1:" + port + "," + ClusterFailoverTest.deadAddress();
    ClientOptions options = ClientOptions.builder().address(list).connectTimeout(Duration.ofSeconds(2)).build();
    worker = new Worker(WorkerOptions.builder().client(options).queue("jobs").concurrency(1).reconnectTimeout(Duration.ofSeconds(20)).build());
    exit = CompletableFuture.supplyAsync(worker::run);
    String id;
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address("127.0.0.1:" + port).build())) {
      id = client.enqueue("jobs", "sleep", java.util.Map.of("ms", 1500));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (client.status(id).state() != TaskState.RUNNING && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(TaskState.RUNNING, client.status(id).state());
    }
    broker.close();
    broker = journaled(port);
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address("127.0.0.1:" + port).build())) {
      TaskResult r = client.result(id, Duration.ofSeconds(30));
      assertTrue(r.ok(), r.toString());
    }
  }

  private Broker journaled(int port) {
    return Broker.start(BrokerOptions.builder().host("127.0.0.1").port(port)
        .durability(d -> d.dataDir(data).fsync(FsyncPolicy.ALWAYS)).build());
  }
}
