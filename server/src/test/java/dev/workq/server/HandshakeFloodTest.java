package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Thousands of real sockets that each announce a frame just under the pre-handshake limit and
 * stall part-way through its body, against an in-process broker whose handshake deadline is too
 * long to help (60 s): the per-address cap and the buffer budget alone keep what they pin bounded,
 * evicted peers are told why, and good clients, one connected all along and new ones connecting
 * from the attacker's own address mid-attack, keep being served, during and after.
 *
 * <p>1,000 stalled connections come from 127.0.0.1 (64 may stay: the per-address cap) and 2,000
 * from 40 other loopback addresses, 50 each (under the cap, so only the byte budget stops them).
 * Each holds a buffer of about 8 KiB, so 2,064 survivors would hold about 16 MiB; the budget here
 * is 4 MiB (smaller than the default 16 MiB, so that fewer sockets show it working).
 */
class HandshakeFloodTest {

  private static final int FROM_ONE_ADDRESS = 1000;
  private static final int OTHER_ADDRESSES = 40;
  private static final int PER_OTHER_ADDRESS = 50;
  private static final long BUDGET = 4L << 20;
  private static final int LIMIT = ListenOptions.DEFAULT_HANDSHAKE_MAX_FRAME;

  @Test
  void stalledPartialFramesAreEvictedOldestFirstWhileGoodClientsAreServed() throws Exception {
    BrokerOptions options = BrokerOptions.builder().port(0).listen(l -> l.handshakeTimeout(Duration.ofSeconds(60))
        .handshakeBufferBudget(BUDGET)).build();
    List<Socket> attackers = new ArrayList<>();
    AtomicBoolean submitting = new AtomicBoolean(true);
    ConcurrentLinkedQueue<CompletableFuture<TaskResult>> results = new ConcurrentLinkedQueue<>();
    Thread submitter = null;
    try (Broker broker = Broker.start(options);
        WorkqClient worker = WorkqClient.connect(client(broker, "good-worker"));
        WorkqClient good = WorkqClient.connect(client(broker, "good-submitter"))) {
      worker.consume("work", 16, d -> d.complete(("{\"id\":\"" + d.id() + "\",\"ok\":true,\"value\":" + d.payload().utf8()
          + ",\"error\":null,\"worker\":\"good\",\"attempts\":" + d.attempts() + ",\"elapsedMs\":0}").getBytes(StandardCharsets.UTF_8)));
      assertTrue(good.tasks().submit("work", "echo", Map.of("before", true)).get(30, TimeUnit.SECONDS).ok());
      submitter = new Thread(() -> {
        for (int n = 0; submitting.get(); n++) {
          results.add(good.tasks().submit("work", "echo", Map.of("n", n)));
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "good-submitter");
      submitter.start();

      long maxHeld = 0;
      for (int i = 0; i < FROM_ONE_ADDRESS; i++) {
        attackers.add(stall("127.0.0.1", broker.port()));
        maxHeld = Math.max(maxHeld, broker.handshakeStats().bytesHeld());
      }
      assertNewClientServed(broker, "good-from-the-attackers-address");
      for (int a = 0; a < OTHER_ADDRESSES; a++) {
        for (int i = 0; i < PER_OTHER_ADDRESS; i++) {
          attackers.add(stall("127.0.0." + (2 + a), broker.port()));
          maxHeld = Math.max(maxHeld, broker.handshakeStats().bytesHeld());
        }
      }
      assertNewClientServed(broker, "good-after-the-flood");

      HandshakeStats during = broker.handshakeStats();
      System.out.printf("handshake flood: %d stalled connections; now %s; most held at once %d bytes%n",
          attackers.size(), during, maxHeld);
      assertTrue(maxHeld <= BUDGET, "held " + maxHeld + " bytes, over the budget of " + BUDGET);
      assertTrue(during.evictedOverAddressCap() >= FROM_ONE_ADDRESS - options.listen().maxHandshakesPerAddress(), during.toString());
      assertTrue(during.evictedOverBufferBudget() > 0, during.toString());
      assertTrue(during.connections() <= options.listen().maxHandshakesPerAddress() * (1 + OTHER_ADDRESSES), during.toString());
      assertEvictedWith(attackers.get(0), "max-handshakes-per-address");
      assertEvictedWith(attackers.get(FROM_ONE_ADDRESS), "handshake-buffer-budget");

      submitting.set(false);
      submitter.join(10_000);
      for (CompletableFuture<TaskResult> f : results) {
        assertTrue(f.get(30, TimeUnit.SECONDS).ok());
      }
      assertTrue(results.size() > 10, "the good client kept submitting: " + results.size());

      for (Socket s : attackers) {
        s.close();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((broker.handshakeStats().connections() > 0 || broker.connectionCount() > 2) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      HandshakeStats after = broker.handshakeStats();
      assertEquals(0, after.connections(), after.toString());
      assertEquals(0, after.bytesHeld(), after.toString());
      assertEquals(2, broker.connectionCount(), "only the two good connections remain");
      assertTrue(good.tasks().submit("work", "echo", Map.of("after", true)).get(30, TimeUnit.SECONDS).ok());
    } finally {
      submitting.set(false);
      if (submitter != null) {
        submitter.interrupt();
        submitter.join(10_000);
      }
      for (Socket s : attackers) {
        s.close();
      }
    }
  }

  private static ClientOptions client(Broker broker, String name) {
    return ClientOptions.builder().host("127.0.0.1").port(broker.port()).name(name).connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** A connection from {@code from} that announces a frame of LIMIT - 1 bytes and sends most of its body. */
  static Socket stall(String from, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    ByteBuffer partial = ByteBuffer.allocate(4 + LIMIT - 200);
    partial.putInt(LIMIT - 1);
    s.getOutputStream().write(partial.array());
    s.getOutputStream().flush();
    return s;
  }

  /** A new client handshakes (from 127.0.0.1, as the first attackers) and gets a task done. */
  private static void assertNewClientServed(Broker broker, String name) throws Exception {
    try (WorkqClient c = WorkqClient.connect(client(broker, name))) {
      assertTrue(c.tasks().submit("work", "echo", Map.of("from", name)).get(30, TimeUnit.SECONDS).ok());
    }
  }

  /** The broker sent {@code s} a CONNECTION_LIMIT error naming {@code budget}, then closed it. */
  private static void assertEvictedWith(Socket s, String budget) throws IOException {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    for (int n; (n = in.read(buf)) >= 0; ) {
      got.write(buf, 0, n);
    }
    String text = got.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("CONNECTION_LIMIT") && text.contains(budget), text);
  }
}
