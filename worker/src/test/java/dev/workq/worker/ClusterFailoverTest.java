package dev.workq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.TaskOptions;
import dev.workq.client.TaskState;
import dev.workq.client.TaskStatus;
import dev.workq.client.WorkqClient;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import dev.workq.server.FsyncPolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client failover against a real, journaled broker (here in the worker module, which has the
 * server as a test dependency; the client's own tests cannot, the server's tests depend on the
 * client): a client given two addresses streams PUTs while the broker at the first is closed and
 * started again on the same port and data dir. The client goes around its list until the broker
 * is back, resends what was unconfirmed with the same ids, and carries on; every confirmed task
 * is queued exactly once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterFailoverTest {

  @TempDir
  Path data;
  private Broker broker;

  @AfterEach
  void tearDown() {
    if (broker != null) {
      broker.close();
    }
  }

  static String deadAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private Broker start(int port) {
    return Broker.start(BrokerOptions.builder().host("127.0.0.1").port(port)
        .durability(d -> d.dataDir(data).fsync(FsyncPolicy.ALWAYS)).build());
  }

  @Test
  void aStreamOfPutsCarriesOnAcrossABrokerRestartAndEveryConfirmedTaskIsQueuedOnce() throws Exception {
    broker = start(0);
    int port = broker.port();
    streamAcrossARestart(port, ClientOptions.builder().address("127.0.0.1:" + port + "," + deadAddress()));
  }

  @Test
  void oneBrokerWithFailoverAskedForWaitsOutItsRestart() throws Exception {
    broker = start(0);
    int port = broker.port();
    streamAcrossARestart(port, ClientOptions.builder().address("127.0.0.1:" + port).failover(true));
  }

  private void streamAcrossARestart(int port, ClientOptions.Builder builder) throws Exception {
    int total = 400;
    ClientOptions options = builder.connectTimeout(Duration.ofSeconds(2)).failoverTimeout(Duration.ofSeconds(30)).build();
    Set<String> confirmed = ConcurrentHashMap.newKeySet();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    AtomicInteger answered = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(total);
    try (WorkqClient client = WorkqClient.connect(options)) {
      Thread producer = new Thread(() -> {
        // Up to 32 PUTs in flight, so the restart finds some unconfirmed.
        Semaphore window = new Semaphore(32);
        for (int i = 0; i < total; i++) {
          window.acquireUninterruptibly();
          // The key stands in for the cluster's id rule on today's single broker: a resent PUT
          // whose first copy was journaled is answered with that task's id and queues nothing.
          client.async().enqueue("stream", "echo", i, TaskOptions.builder().key("k" + i).build()).whenComplete((id, e) -> {
            if (e != null) {
              failed.compareAndSet(null, e);
            } else {
              confirmed.add(id);
            }
            answered.incrementAndGet();
            window.release();
            done.countDown();
          });
        }
      }, "producer");
      producer.setDaemon(true);
      producer.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (answered.get() < 50 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertTrue(answered.get() >= 50, "the stream started");

      broker.close();
      broker = null;
      int atClose = answered.get();
      Thread.sleep(300); // the client finds both addresses refused and backs off
      broker = start(port);

      assertTrue(atClose < total, "the restart came mid-stream: " + atClose + " of " + total + " answered before it");
      assertTrue(done.await(40, TimeUnit.SECONDS), "the stream carried on after the restart: " + answered.get() + " of " + total);
      producer.join(5000);
      assertEquals(null, failed.get(), "no put failed");
      assertEquals(total, confirmed.size(), "every put confirmed, with distinct ids");
      List<TaskStatus> states = client.status(new ArrayList<>(confirmed));
      assertTrue(states.stream().allMatch(s -> s.state() == TaskState.READY), "every confirmed task is on the queue");
      assertEquals(total, client.stats().queue("stream").orElseThrow().ready(), "each exactly once");
    }
  }
}
