package dev.workq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.client.BrokerStats;
import dev.workq.client.ClientOptions;
import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.Json;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A protocol-1 peer against this broker, written from docs/PROTOCOL.md's version-1 text alone:
 * plain sockets, frames and JSON headers built by hand, none of the codec's classes. It is what
 * an old worker or client does during an upgrade, and it must keep working beside peers that
 * speak protocol 2 (a Java client here, which asks for 2 by default).
 */
class ProtocolV1ConformanceTest {

  private static final int HELLO = 1;
  private static final int WELCOME = 2;
  private static final int ERROR = 3;
  private static final int PUT = 4;
  private static final int PUT_OK = 5;
  private static final int CONSUME = 6;
  private static final int CONSUME_OK = 7;
  private static final int DELIVER = 10;
  private static final int ACK = 11;
  private static final int COMPLETE = 12;

  private Broker broker;

  @BeforeEach
  void start() {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  /** One frame as protocol 1 reads it: type, header text, payload. */
  private record Frame(int type, String header, byte[] payload) {
    JsonNode json() throws IOException {
      return Json.mapper().readTree(header);
    }
  }

  /** A version-1 connection on a plain socket. */
  private static final class V1Peer implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    V1Peer(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    static byte[] frame(int type, String header, byte[] payload) {
      byte[] h = header.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + h.length + payload.length);
      b.putInt(1 + 4 + h.length + payload.length).put((byte) type).putInt(h.length).put(h).put(payload);
      return b.array();
    }

    void send(int type, String header) throws IOException {
      send(type, header, new byte[0]);
    }

    void send(int type, String header, byte[] payload) throws IOException {
      out.write(frame(type, header, payload));
      out.flush();
    }

    /** Writes several frames in one write, as a pipelining peer would. */
    void sendTogether(byte[]... frames) throws IOException {
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
      for (byte[] f : frames) {
        all.writeBytes(f);
      }
      out.write(all.toByteArray());
      out.flush();
    }

    Frame read() throws IOException {
      int length = in.readInt();
      int type = in.readUnsignedByte();
      int headerLength = in.readInt();
      byte[] header = new byte[headerLength];
      in.readFully(header);
      byte[] payload = new byte[length - 5 - headerLength];
      in.readFully(payload);
      return new Frame(type, new String(header, StandardCharsets.UTF_8), payload);
    }

    Frame expect(int type) throws IOException {
      Frame f = read();
      assertEquals(type, f.type(), "frame type; header " + f.header());
      return f;
    }

    /** True once the broker has closed its side (read returns end of stream). */
    boolean closedByBroker() throws IOException {
      try {
        while (true) {
          read();
        }
      } catch (java.io.EOFException e) {
        return true;
      } catch (java.net.SocketException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aVersion1WorkerRunsTasksAVersion2ClientSubmits() throws Exception {
    try (V1Peer worker = new V1Peer(broker.port());
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().host("127.0.0.1").port(broker.port()).build())) {
      worker.send(HELLO, "{\"version\":1,\"role\":\"WORKER\",\"name\":\"old-worker\",\"host\":\"h\",\"pid\":7,\"handlers\":[]}");
      JsonNode welcome = worker.expect(WELCOME).json();
      assertEquals(1, welcome.get("version").asInt());
      assertTrue(welcome.get("session").isTextual());
      assertTrue(welcome.get("limits").get("maxFrame").asLong() > 0, "a v1 peer may ignore the limits; they are there");

      worker.send(CONSUME, "{\"corr\":1,\"queue\":\"jobs\",\"prefetch\":4,\"handlers\":[\"echo\"]}");
      JsonNode ok = worker.expect(CONSUME_OK).json();
      assertEquals(1, ok.get("corr").asLong());

      CompletableFuture<TaskResult> result = client.tasks().submit("jobs", "echo", Map.of("n", 1));
      Frame deliver = worker.expect(DELIVER);
      JsonNode d = deliver.json();
      assertEquals("TASK", d.get("kind").asText());
      assertEquals("echo", d.get("handler").asText());
      assertEquals(1, d.get("attempts").asInt());
      assertEquals("{\"n\":1}", new String(deliver.payload(), StandardCharsets.UTF_8));
      long tag = d.get("tag").asLong();
      String id = d.get("id").asText();

      String record = "{\"id\":\"" + id + "\",\"ok\":true,\"value\":{\"n\":1},\"error\":null,\"worker\":\"old-worker\","
          + "\"attempts\":1,\"elapsedMs\":0}";
      worker.send(COMPLETE, "{\"tag\":" + tag + ",\"ok\":true,\"permanent\":false}", record.getBytes(StandardCharsets.UTF_8));
      TaskResult r = result.get(10, TimeUnit.SECONDS);
      assertTrue(r.ok());
      assertEquals(1, r.value().get("n").asInt());
      assertEquals("old-worker", r.worker());

      // A settlement refused names its delivery in "tag", beside corr 0; v1 peers may ignore it.
      worker.send(ACK, "{\"tag\":" + tag + "}");
      JsonNode error = worker.expect(ERROR).json();
      assertEquals("UNKNOWN_DELIVERY", error.get("code").asText());
      assertEquals(0, error.get("corr").asLong());
      assertEquals(tag, error.get("tag").asLong());
      assertFalse(error.get("fatal").asBoolean());
    }
  }

  @Test
  void aVersion1ClientPutsAndAVersion2ClientSeesTheItem() throws Exception {
    try (V1Peer old = new V1Peer(broker.port());
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().host("127.0.0.1").port(broker.port()).build())) {
      old.send(HELLO, "{\"version\":1,\"role\":\"CLIENT\",\"name\":\"old\",\"host\":\"h\",\"pid\":7}");
      old.expect(WELCOME);
      old.send(PUT, "{\"corr\":41,\"queue\":\"values\",\"kind\":\"DATA\",\"id\":\"v-1\"}", "[1,2,3]".getBytes(StandardCharsets.UTF_8));
      JsonNode putOk = old.expect(PUT_OK).json();
      assertEquals(41, putOk.get("corr").asLong());
      assertEquals("v-1", putOk.get("id").asText());
      assertEquals("[1,2,3]", client.get("values", Duration.ofSeconds(5)).orElseThrow().payload().utf8());
    }
  }

  @Test
  void aRepeatedKeyIsRefusedAndNothingSentBehindTheBadFrameIsCarriedOut() throws Exception {
    try (V1Peer old = new V1Peer(broker.port());
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().host("127.0.0.1").port(broker.port()).build())) {
      old.send(HELLO, "{\"version\":1,\"role\":\"CLIENT\",\"name\":\"old\",\"host\":\"h\",\"pid\":7}");
      old.expect(WELCOME);
      // Once, PUT took the last of two "kind"s, so this put a STOP; and a PUT right behind a bad
      // frame, in the same read, was queued though the session had ended at the error.
      old.sendTogether(
          V1Peer.frame(PUT, "{\"corr\":1,\"queue\":\"before\",\"kind\":\"DATA\"}", "1".getBytes(StandardCharsets.UTF_8)),
          V1Peer.frame(PUT, "{\"corr\":2,\"queue\":\"twice\",\"kind\":\"DATA\",\"kind\":\"STOP\"}", new byte[0]),
          V1Peer.frame(PUT, "{\"corr\":3,\"queue\":\"behind\",\"kind\":\"DATA\"}", "3".getBytes(StandardCharsets.UTF_8)));
      Frame first = old.read();
      Frame error = first.type() == PUT_OK ? old.expect(ERROR) : first;
      assertEquals(ERROR, error.type(), error.header());
      JsonNode e = error.json();
      assertEquals("PROTOCOL_ERROR", e.get("code").asText());
      assertTrue(e.get("fatal").asBoolean());
      assertTrue(e.get("message").asText().contains("kind"), e.get("message").asText());
      assertTrue(old.closedByBroker());

      // The frames of one read reach the core together, after the ERROR has gone out: wait for them.
      Awaitility.await("the frame before the bad one carried out").atMost(Duration.ofSeconds(10))
          .until(() -> client.stats().queue("before").isPresent());
      BrokerStats stats = client.stats();
      assertFalse(stats.queue("twice").isPresent(), "the bad frame put nothing");
      assertFalse(stats.queue("behind").isPresent(), "the frame behind the bad one was dropped");
    }
  }
}
