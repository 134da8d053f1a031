package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.RemoteException;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.Message;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueueStats;
import dev.workq.protocol.StatsReply;
import dev.workq.protocol.StatsRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * QUEUE_CLOSE with real worker JVMs and a real broker JVM: the workers finish every task, then
 * each exits 0 by itself on the STOP the broker makes; a put after the close is refused; and the
 * close survives a SIGKILL of the broker (fsync always): after the restart the queue is still
 * closed and a new worker is stopped at once.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class QueueCloseProcessTest {

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

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Sends {@code request} as a plain client and returns the broker's answer. */
  static Message ask(int port, Message request) throws Exception {
    try (AttackPeer peer = AttackPeer.connect(port)) {
      peer.send(request);
      Message answer = peer.poll(20);
      if (answer == null) {
        throw new AssertionError("no answer to " + request);
      }
      return answer;
    }
  }

  static QueueStats queue(int port, String name) throws Exception {
    StatsReply stats = (StatsReply) ask(port, new StatsRequest(9, null));
    return stats.queues().stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
  }

  @Test
  void closedQueueFinishesItsTasksThenEveryWorkerExitsZeroAndTheCloseSurvivesAKill() throws Exception {
    int port = freePort();
    broker = BrokerProcess.start(port, dataDir, "--fsync", "always");
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      started.add(workers.start(broker.address(), "--concurrency", "2", "--prefetch", "4"));
    }
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(broker.address()).build())) {
      // Consuming, not only connected: a worker is listed from its HELLO, before its CONSUME, and
      // the close counts the queue's consumers.
      await().atMost(Duration.ofSeconds(90)).until(() -> client.stats().queues().stream()
          .anyMatch(q -> q.name().equals("tasks") && q.consumers() == 3));
      List<CompletableFuture<TaskResult>> results = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        results.add(client.tasks().submit("tasks", "sleep", Map.of("ms", 250)));
      }

      QueueCloseOk closed = assertInstanceOf(QueueCloseOk.class, ask(port, new QueueClose(1, "tasks")));
      assertEquals(3, closed.workers());
      assertTrue(closed.unfinished() > 0, "closed with tasks still to run: " + closed);

      ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> client.async().enqueue("tasks", "sleep", Map.of("ms", 1)).get(20, TimeUnit.SECONDS));
      assertEquals(ErrorCode.QUEUE_CLOSED, ((RemoteException) refused.getCause()).code(), refused.getCause().getMessage());

      for (CompletableFuture<TaskResult> f : results) {
        TaskResult r = f.get(120, TimeUnit.SECONDS);
        assertTrue(r.ok(), r.error());
      }
      for (Process w : started) {
        assertEquals(0, workers.awaitExit(w, 60), workers.log(w));
        assertTrue(workers.log(w).contains("took STOP"), workers.log(w));
      }
      QueueStats after = queue(port, "tasks");
      assertTrue(after.closed());
      assertEquals(0, after.stops(), "each worker acked its STOP on its way out");
      assertEquals(0, after.ready());
    }

    broker.kill();
    broker = BrokerProcess.start(port, dataDir, "--fsync", "always");
    assertTrue(queue(port, "tasks").closed(), "closed again after the kill and the replay");
    Process late = workers.start(broker.address(), "--concurrency", "1");
    assertEquals(0, workers.awaitExit(late, 90), workers.log(late));
    assertTrue(workers.log(late).contains("took STOP"), workers.log(late));
  }
}
