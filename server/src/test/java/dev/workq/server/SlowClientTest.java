package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Consume;
import dev.workq.protocol.Hello;
import dev.workq.protocol.Message;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Role;
import dev.workq.protocol.codec.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of connections that hurt by doing too little: 200 connect and send nothing, 100
 * trickle a HELLO one byte at a time, and 100 complete the handshake, subscribe with a huge
 * prefetch and never read while the test floods their queue with 8 KiB tasks. With a 1 s
 * handshake deadline and a 1 s idle timeout the broker closes every one of them, its heap stays
 * bounded, and a good client submitting tasks throughout gets every result.
 *
 * <p>The heap bound: the flood queue itself holds 3,000 × 8 KiB = 24 MiB (data the broker is
 * meant to keep, capped by max-queue-length); everything else the attack may cost is per
 * connection and capped: at most 256 unacked deliveries each (references to items already
 * counted), a frame decoder limited to 8 KiB before the handshake (the tricklers hold a few
 * bytes), and outbound bytes bounded by the write-buffer high watermark (1 MiB, and those are
 * off-heap direct buffers, reported separately). 400 connections' pipelines and sessions are a
 * few MiB. So after GC the heap may grow by the queue plus at most 48 MiB during the attack, and
 * by the queue plus at most 16 MiB once the attackers are gone.
 */
class SlowClientTest {

  private static final int SILENT = 200;
  private static final int TRICKLERS = 100;
  private static final int NEVER_READERS = 100;
  private static final int FLOOD_TASKS = 3000;
  private static final int PAYLOAD = 8 * 1024;
  private static final long MIB = 1024 * 1024;

  @Test
  void slowAndNonReadingConnectionsAreClosedAndGoodClientsAreServed() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    BrokerOptions options = BrokerOptions.builder().port(0)
        .listen(l -> l.handshakeTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(1)))
        .limits(l -> l.maxUnackedPerConnection(256)).build();
    List<Socket> attackers = new ArrayList<>();
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (Broker broker = Broker.start(options);
        WorkqClient worker = WorkqClient.connect(client(broker, "good-worker"));
        WorkqClient submitter = WorkqClient.connect(client(broker, "good-submitter"));
        WorkqClient flooder = WorkqClient.connect(client(broker, "flooder"))) {
      worker.consume("work", 16, d -> d.complete(("{\"id\":\"" + d.id() + "\",\"ok\":true,\"value\":" + d.payload().utf8()
          + ",\"error\":null,\"worker\":\"good\",\"attempts\":" + d.attempts() + ",\"elapsedMs\":0}").getBytes(StandardCharsets.UTF_8)));
      long baseline = usedHeapAfterGc(memory);

      byte[] hello = frame(new Hello(ProtocolVersion.V1, Role.CLIENT, "slow", "h", 1, List.of()));
      for (int i = 0; i < SILENT; i++) {
        attackers.add(new Socket("127.0.0.1", broker.port()));
      }
      List<Socket> tricklers = new ArrayList<>();
      for (int i = 0; i < TRICKLERS; i++) {
        Socket s = new Socket("127.0.0.1", broker.port());
        tricklers.add(s);
        attackers.add(s);
      }
      int[] offset = {0};
      trickle.scheduleAtFixedRate(() -> {
        int at = offset[0]++ % hello.length;
        for (Socket s : tricklers) {
          try {
            s.getOutputStream().write(hello[at]);
          } catch (IOException closed) {
            // The broker cut it: that is the point.
          }
        }
      }, 0, 50, TimeUnit.MILLISECONDS);
      byte[] subscribe = concat(hello, frame(new Consume(1, "flood", 65_536)));
      for (int i = 0; i < NEVER_READERS; i++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", broker.port()));
        s.getOutputStream().write(subscribe);
        attackers.add(s);
      }
      String blob = "x".repeat(PAYLOAD);
      for (int i = 0; i < FLOOD_TASKS; i++) {
        flooder.put("flood", Map.of("blob", blob));
      }

      // The good client submits throughout the attack and after.
      List<CompletableFuture<TaskResult>> results = new ArrayList<>();
      long attackEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      long duringHeap = 0;
      int n = 0;
      while (System.nanoTime() < attackEnds) {
        results.add(submitter.tasks().submit("work", "echo", Map.of("n", n++)));
        if (n == 20) {
          duringHeap = usedHeapAfterGc(memory);
        }
        Thread.sleep(20);
      }

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (broker.connectionCount() > 3 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(3, broker.connectionCount(), "only the three good connections remain");
      for (CompletableFuture<TaskResult> f : results) {
        assertTrue(f.get(10, TimeUnit.SECONDS).ok());
      }
      assertTrue(submitter.tasks().submit("work", "echo", Map.of("after", true)).get(10, TimeUnit.SECONDS).ok());
      for (Socket s : attackers.subList(0, 10)) {
        assertClosedByBroker(s);
      }

      long afterHeap = usedHeapAfterGc(memory);
      long queue = (long) FLOOD_TASKS * PAYLOAD;
      System.out.printf("slow clients: %d tasks done; heap baseline %d MiB, during attack +%d MiB, after +%d MiB "
              + "(flood queue %d MiB); netty direct memory now %d MiB%n", results.size(), baseline / MIB,
          (duringHeap - baseline) / MIB, (afterHeap - baseline) / MIB, queue / MIB, Math.max(0, PlatformDependent.usedDirectMemory()) / MIB);
      assertTrue(duringHeap - baseline < queue + 48 * MIB, "heap grew by " + (duringHeap - baseline) / MIB + " MiB during the attack");
      assertTrue(afterHeap - baseline < queue + 16 * MIB, "heap grew by " + (afterHeap - baseline) / MIB + " MiB after the attack");
    } finally {
      trickle.shutdownNow();
      for (Socket s : attackers) {
        s.close();
      }
    }
  }

  private static ClientOptions client(Broker broker, String name) {
    return ClientOptions.builder().host("127.0.0.1").port(broker.port()).name(name).build();
  }

  /** Reads (and drops) whatever the broker still sent, then expects the end of the stream. */
  private static void assertClosedByBroker(Socket s) throws IOException {
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    byte[] buf = new byte[64 * 1024];
    try {
      while (in.read(buf) >= 0) {
        // drain
      }
    } catch (java.net.SocketException reset) {
      // A reset is a close too.
    }
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static byte[] frame(Message m) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    MessageEncoder.encode(m, buf);
    return ByteBufUtil.getBytes(buf);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
