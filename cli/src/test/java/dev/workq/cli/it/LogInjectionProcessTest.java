package dev.workq.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.ConsumeOk;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.MessageType;
import dev.workq.protocol.Payload;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.Role;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.MessageDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers try to forge lines in a real broker's log (its stderr, at INFO as {@code workq broker}
 * runs): strangers before any handshake, a HELLO with a bad handler name, and a worker whose
 * failure message becomes a dead letter. What they send holds newlines followed by a line that
 * looks like the broker's own, ESC sequences and NUL. The log must show them as {@code \}{@code
 * u000a}-style escapes, and no line of it may start with the forged text.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogInjectionProcessTest {

  /** What each forged line would look like; unique per run so no other line can match. */
  private static final String FORGED = "2026-01-01T00:00:00.000+0000 INFO Broker - FORGED-"
      + ThreadLocalRandom.current().nextInt(100_000, 999_999);
  /** The forgery, JSON-escaped as a peer puts it in a header: newline, the fake line, ESC, NUL. */
  private static final String EVIL_JSON = "x\\n" + FORGED + " \\u001b[2J\\u0000\\r";

  @TempDir
  static Path dataDir;
  private static BrokerProcess broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = BrokerProcess.start(0, dataDir);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void strangersAndBadHellosCannotForgeLinesOrSendControlBytesToTheLog() throws Exception {
    int from = broker.stderr().length();
    // A stranger's PUT before any HELLO, with the forgery in its queue name.
    try (Peer p = new Peer(broker.port())) {
      p.sendRaw(MessageType.PUT, "{\"corr\":1,\"queue\":\"" + EVIL_JSON + "\",\"kind\":\"DATA\"}");
      assertTrue(p.read() instanceof ErrorReply);
    }
    // A HELLO whose header holds raw control bytes, not even escaped as JSON.
    try (Peer p = new Peer(broker.port())) {
      p.sendRaw(MessageType.HELLO, "{\"version\":" + ProtocolVersion.V1 + ",\"role\":\"x\n" + FORGED + "\u001b\u0000\"}");
      assertTrue(p.read() instanceof ErrorReply);
    }
    // A worker's HELLO offering a handler whose name carries the forgery.
    try (Peer p = new Peer(broker.port())) {
      p.sendRaw(MessageType.HELLO, "{\"version\":" + ProtocolVersion.V1
          + ",\"role\":\"WORKER\",\"name\":\"w\",\"host\":\"h\",\"pid\":1,\"handlers\":[\"" + EVIL_JSON + "\"]}");
      assertTrue(p.read() instanceof ErrorReply);
    }
    String log = awaitLog(from, "closing", 3);
    assertNoForgery(log);
    assertTrue(log.contains("\\u000a" + FORGED), "the forgery shows escaped:\n" + log);
  }

  @Test
  void aWorkersFailureMessageCannotForgeLinesThroughTheDeadLetterLog() throws Exception {
    int from = broker.stderr().length();
    try (Peer worker = new Peer(broker.port()); Peer client = new Peer(broker.port())) {
      worker.send(new Hello(ProtocolVersion.V1, Role.WORKER, "w", "h", 1, List.of("h")));
      assertTrue(worker.read() instanceof Welcome);
      worker.send(new Consume(1, "inject", 1, List.of("h")));
      assertTrue(worker.read() instanceof ConsumeOk);
      client.send(new Hello(ProtocolVersion.V1, Role.CLIENT, "c", "h", 1, List.of()));
      assertTrue(client.read() instanceof Welcome);
      client.send(new Put(2, "inject", ItemKind.TASK, null, "h", null, 1, null, Payload.ofUtf8("{}")));
      assertTrue(client.read() instanceof PutOk);
      Deliver d = (Deliver) worker.read();
      String error = "boom\n" + FORGED + " dead\u001b[31m\u0000";
      worker.send(new Complete(d.tag(), false, error, true, Payload.EMPTY));
      String log = awaitLog(from, "moved to the dead letters", 1);
      assertNoForgery(log);
      assertTrue(log.contains("boom\\u000a" + FORGED), "the failure shows escaped:\n" + log);
    }
  }

  private static void assertNoForgery(String log) {
    for (String line : log.split("\n", -1)) {
      assertFalse(line.startsWith(FORGED), "a forged line in the broker's log:\n" + log);
    }
    for (char c : new char[] {'\u001b', '\u0000', '\r'}) {
      assertEquals(-1, log.indexOf(c), "a raw U+" + Integer.toHexString(c) + " in the broker's log:\n" + log);
    }
  }

  /**
   * The broker's log (stderr) from character {@code from} on, once that part has {@code count}
   * lines containing {@code marker} (or after 10 s): each test reads only what it caused.
   */
  private static String awaitLog(int from, String marker, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String log = broker.stderr().substring(from);
    while (log.lines().filter(l -> l.contains(marker)).count() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      log = broker.stderr().substring(from);
    }
    return log;
  }

  /** A protocol peer on a plain blocking socket: frames out as the codec writes them, or raw. */
  private static final class Peer implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    Peer(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in = new DataInputStream(socket.getInputStream());
    }

    void send(Message m) throws IOException {
      RawFrames.write(out, m);
    }

    /** One frame of {@code type} whose header is {@code header}, byte for byte. */
    void sendRaw(MessageType type, String header) throws IOException {
      byte[] h = header.getBytes(StandardCharsets.UTF_8);
      ByteBuf buf = Unpooled.buffer();
      buf.writeInt(1 + 4 + h.length).writeByte(type.code()).writeInt(h.length).writeBytes(h);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      out.write(bytes);
      out.flush();
    }

    Message read() throws IOException {
      int length;
      try {
        length = in.readInt();
      } catch (EOFException e) {
        throw new AssertionError("the broker closed the connection without a message");
      }
      byte[] body = new byte[length];
      in.readFully(body);
      return MessageDecoder.decode(Unpooled.wrappedBuffer(body));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
