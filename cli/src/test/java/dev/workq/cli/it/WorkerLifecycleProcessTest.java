package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Welcome;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's life around its broker, with real worker JVMs: started before the broker, stopped
 * while it waits or reconnects, dropped in the middle of its handshake or subscription. Bounds are
 * generous (a loaded 2-core machine); none asserts a tight timing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WorkerLifecycleProcessTest {

  private static final String WAITING = "waiting for the broker at ";

  @TempDir
  Path dataDir;

  private WorkerProcesses workers;
  private BrokerProcess broker;

  @BeforeEach
  void start() {
    workers = new WorkerProcesses();
  }

  @AfterEach
  void stop() throws Exception {
    workers.close();
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aWorkerStartedBeforeItsBrokerWaitsForItThenRunsTasks() throws Exception {
    int port = freePort();
    Process w = workers.start("127.0.0.1:" + port, "--concurrency", "1", "--reconnect-timeout", "90");
    awaitLog(w, WAITING + "127.0.0.1:" + port + " (connection refused); retrying for up to 90 s");
    // Let it fail a few more attempts: the waiting line must still appear only once.
    Thread.sleep(3000);
    assertTrue(w.isAlive(), workers.log(w));
    broker = BrokerProcess.start(port, dataDir, "--in-memory");
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(broker.address()).build())) {
      TaskResult r = client.tasks().submit("tasks", "echo", Map.of("n", 7)).get(60, TimeUnit.SECONDS);
      assertTrue(r.ok(), r.error());
      assertEquals(7, r.value().get("n").asInt());
    }
    assertEquals(1, count(workers.log(w), WAITING), workers.log(w));
    assertTrue(workers.log(w).contains("reached the broker at 127.0.0.1:" + port), workers.log(w));
    w.destroy();
    assertEquals(0, workers.awaitExit(w, 40));
  }

  @Test
  void sigtermWhileWaitingForAnAbsentBrokerExitsZeroAtOnce() throws Exception {
    Process w = workers.start("127.0.0.1:" + freePort(), "--reconnect-timeout", "120");
    awaitLog(w, WAITING);
    long t0 = System.nanoTime();
    w.destroy();
    assertEquals(0, workers.awaitExit(w, 10), workers.log(w));
    System.out.println("exit after SIGTERM while waiting: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
  }

  @Test
  void aBrokerThatNeverComesExitsThreeAfterTheWindow() throws Exception {
    Process w = workers.start("127.0.0.1:" + freePort(), "--reconnect-timeout", "2");
    assertEquals(3, workers.awaitExit(w, 60), workers.log(w));
    String log = workers.log(w);
    assertEquals(1, count(log, WAITING), log);
    assertEquals(1, count(log, "giving up: broker at"), log);
  }

  @Test
  void sigtermWhileReconnectingToAKilledBrokerExitsZeroAtOnce() throws Exception {
    broker = BrokerProcess.start(freePort(), dataDir, "--in-memory");
    Process w = workers.start(broker.address(), "--reconnect-timeout", "120");
    awaitLog(w, "taking tasks from 'tasks'");
    broker.kill();
    awaitLog(w, "lost the broker");
    Thread.sleep(1000); // well inside the reconnect loop
    long t0 = System.nanoTime();
    w.destroy();
    assertEquals(0, workers.awaitExit(w, 10), workers.log(w));
    System.out.println("exit after SIGTERM while reconnecting: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
  }

  /**
   * A fake broker on the port drops the first connection right after its HELLO (a drop in the
   * handshake) and the second right after its CONSUME (between WELCOME and CONSUME_OK); then the
   * real broker starts there. Both drops are waited out, and the worker then runs a task.
   */
  @Test
  void dropsDuringTheHandshakeAndTheSubscriptionAreWaitedOut() throws Exception {
    int port;
    Process w;
    try (ServerSocket fake = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = fake.getLocalPort();
      w = workers.start("127.0.0.1:" + port, "--concurrency", "1", "--reconnect-timeout", "90");
      fake.setSoTimeout(60_000);
      try (Socket s = fake.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertEquals(MessageType.HELLO.code(), readFrameType(in));
      }
      try (Socket s = fake.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertEquals(MessageType.HELLO.code(), readFrameType(in));
        write(s.getOutputStream(), new Welcome(ProtocolVersion.V1, "fake", "s1", null));
        int type;
        do {
          type = readFrameType(in); // PINGs may come first
        } while (type != MessageType.CONSUME.code());
      }
    }
    awaitLog(w, "lost the broker while subscribing");
    assertTrue(w.isAlive(), workers.log(w));
    broker = BrokerProcess.start(port, dataDir, "--in-memory");
    try (WorkqClient client = WorkqClient.connect(ClientOptions.builder().address(broker.address()).build())) {
      TaskResult r = client.tasks().submit("tasks", "echo", Map.of("n", 1)).get(60, TimeUnit.SECONDS);
      assertTrue(r.ok(), r.error());
    }
    assertEquals(1, count(workers.log(w), WAITING), workers.log(w));
    w.destroy();
    assertEquals(0, workers.awaitExit(w, 40));
  }

  /** A broker that welcomes the worker and drops it at every CONSUME is as good as none: exit 3. */
  @Test
  void aBrokerThatDropsEverySubscriptionDoesNotResetTheWindow() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Process w = workers.start("127.0.0.1:" + fake.getLocalPort(), "--reconnect-timeout", "4");
      Thread server = new Thread(() -> {
        while (!fake.isClosed()) {
          try (Socket s = fake.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            readFrameType(in);
            write(s.getOutputStream(), new Welcome(ProtocolVersion.V1, "fake", "s", null));
            while (readFrameType(in) != MessageType.CONSUME.code()) {
              // skip PINGs
            }
          } catch (IOException e) {
            // the worker went away, or the test closed the socket
          }
        }
      }, "fake-broker");
      server.setDaemon(true);
      server.start();
      assertEquals(3, workers.awaitExit(w, 60), workers.log(w));
      assertTrue(workers.log(w).contains("lost the broker while subscribing"), workers.log(w));
    }
  }

  private static int readFrameType(DataInputStream in) throws IOException {
    int length = in.readInt();
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException("short frame");
    }
    return body[0] & 0xff;
  }

  private static void write(OutputStream out, dev.workq.protocol.Message m) throws IOException {
    RawFrames.write(out, m);
  }

  private void awaitLog(Process w, String text) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> workers.log(w).contains(text) || !w.isAlive());
    assertTrue(workers.log(w).contains(text), "no '" + text + "' in the worker's log:\n" + workers.log(w));
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
