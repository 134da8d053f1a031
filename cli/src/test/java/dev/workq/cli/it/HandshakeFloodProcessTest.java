package dev.workq.cli.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.server.ListenOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack that used to pin a broker's direct memory, against a broker JVM with a 256 MiB heap
 * (and so 256 MiB of direct memory) at its default limits. First the attack as reported: 2,500
 * connections that announce a frame just under the old 256 KiB pre-handshake limit and stall
 * half-way through its body (refused now from the length prefix). Then 3,500 that each announce a
 * frame just under the new limit and stall part-way through its body: 1,000 from 127.0.0.1 (the
 * per-address cap), 2,500 from 50 other loopback addresses, 50 each (under the cap; at about
 * 7 KiB of buffer each they pass the 16 MiB budget). The handshake deadline is raised to a
 * minute so that only the new limits defend, and the attackers hold on past the log interval. A good client (a submitter, and a consumer answering its tasks, connected
 * before) keeps getting results during and after the attack, a new client from the attackers'
 * address gets in mid-attack, the broker stays alive, and its log carries a few summary lines,
 * not one per eviction.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HandshakeFloodProcessTest {

  private static final int LIMIT = ListenOptions.DEFAULT_HANDSHAKE_MAX_FRAME;
  private static final int OLD_LIMIT = 256 * 1024;
  private static final int FROM_ONE_ADDRESS = 1000;
  private static final int OTHER_ADDRESSES = 50;
  private static final int PER_OTHER_ADDRESS = 50;
  /** The attack as first reported: 2,500 frames just under the old limit, stalled half-way. */
  private static final int OLD_STYLE = 2500;

  @TempDir
  Path dir;

  @Test
  void stalledPartialFramesDoNotStopGoodClientsOfASmallBroker() throws Exception {
    long fds = (FROM_ONE_ADDRESS + OTHER_ADDRESSES * PER_OTHER_ADDRESS + OLD_STYLE) * 2L + 1000;
    assertTrue(fds < openFileLimit(), "needs about " + fds + " open files (this JVM and the broker's), ulimit -n is " + openFileLimit());
    List<Socket> attackers = new ArrayList<>();
    AtomicBoolean submitting = new AtomicBoolean(true);
    ConcurrentLinkedQueue<CompletableFuture<TaskResult>> results = new ConcurrentLinkedQueue<>();
    Thread submitter = null;
    try (BrokerProcess broker = BrokerProcess.start(List.of("-Xmx256m"), 0, dir.resolve("data"), "--in-memory",
            "--handshake-timeout-ms", "60000");
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

      long started = System.nanoTime();
      List<Socket> oldStyle = new ArrayList<>();
      for (int i = 0; i < OLD_STYLE; i++) {
        Socket s = stall("127.0.0." + (100 + i % 50), broker.port(), OLD_LIMIT - 1, OLD_LIMIT / 2);
        oldStyle.add(s);
        attackers.add(s);
      }
      for (int i = 0; i < FROM_ONE_ADDRESS; i++) {
        attackers.add(stall("127.0.0.1", broker.port(), LIMIT - 1, LIMIT - 200));
      }
      assertNewClientServed(broker, "good-from-the-attackers-address");
      for (int a = 0; a < OTHER_ADDRESSES; a++) {
        for (int i = 0; i < PER_OTHER_ADDRESS; i++) {
          attackers.add(stall("127.0.0." + (2 + a), broker.port(), LIMIT - 1, LIMIT - 200));
        }
      }
      System.out.printf("handshake flood against a -Xmx256m broker: %d connections opened in %d ms%n", attackers.size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      assertNewClientServed(broker, "good-during-the-flood");
      assertAnswered(oldStyle.get(0), "FRAME_TOO_LARGE", "before the handshake");
      assertAnswered(attackers.get(OLD_STYLE), "CONNECTION_LIMIT", "max-handshakes-per-address");
      assertAnswered(attackers.get(OLD_STYLE + FROM_ONE_ADDRESS), "CONNECTION_LIMIT", "handshake-buffer-budget");

      // The attackers hold on past the log interval, then go.
      Thread.sleep(11_000);
      assertNewClientServed(broker, "good-late-in-the-flood");
      submitting.set(false);
      submitter.join(10_000);
      for (CompletableFuture<TaskResult> f : results) {
        assertTrue(f.get(30, TimeUnit.SECONDS).ok());
      }
      assertTrue(results.size() > 10, "the good client kept submitting: " + results.size());
      for (Socket s : attackers) {
        s.close();
      }
      attackers.clear();
      assertTrue(good.tasks().submit("work", "echo", Map.of("after", true)).get(30, TimeUnit.SECONDS).ok());
      assertNewClientServed(broker, "good-after-the-flood");

      assertTrue(broker.isAlive(), "the broker is still running");
      String log = broker.log();
      long summaries = log.lines().filter(l -> l.contains("in their handshake since the last report")).count();
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      System.out.printf("%d results during the attack; broker log: %d eviction summary lines in %d s%n%s%n", results.size(),
          summaries, seconds, log.lines().filter(l -> l.contains("since the last report")).reduce("", (x, y) -> x + y + "\n"));
      assertTrue(summaries >= 2 && summaries <= 2 + seconds / 10, summaries + " eviction lines in " + seconds + " s");
      assertFalse(log.contains("OutOfDirectMemoryError") || log.contains("OutOfMemoryError"), log);
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

  private static ClientOptions client(BrokerProcess broker, String name) {
    return ClientOptions.builder().host("127.0.0.1").port(broker.port()).name(name).connectTimeout(Duration.ofSeconds(30)).build();
  }

  /** A connection from {@code from} that announces a frame body of {@code announce} bytes and sends {@code send} of them. */
  private static Socket stall(String from, int port, int announce, int send) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
    ByteBuffer partial = ByteBuffer.allocate(4 + send);
    partial.putInt(announce);
    try {
      s.getOutputStream().write(partial.array());
      s.getOutputStream().flush();
    } catch (IOException refused) {
      // The broker refused the frame from its length and closed before the body was all written.
    }
    return s;
  }

  private static void assertNewClientServed(BrokerProcess broker, String name) throws Exception {
    try (WorkqClient c = WorkqClient.connect(client(broker, name))) {
      assertTrue(c.tasks().submit("work", "echo", Map.of("from", name)).get(30, TimeUnit.SECONDS).ok());
    }
  }

  /** The broker sent {@code s} an ERROR with this code and text, then closed it. */
  private static void assertAnswered(Socket s, String code, String text) throws IOException {
    s.setSoTimeout(30_000);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // A reset after the error is a close too.
    }
    String answer = got.toString(StandardCharsets.UTF_8);
    assertTrue(answer.contains(code) && answer.contains(text), answer);
  }

  private static long openFileLimit() {
    try {
      Process p = new ProcessBuilder("sh", "-c", "ulimit -n").start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return "unlimited".equals(out) ? Long.MAX_VALUE : Long.parseLong(out);
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return 1024;
    }
  }
}
