package dev.workq.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.Consume;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.ProtocolVersion;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.Role;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskCancelOk;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskStatus;
import dev.workq.protocol.TaskStatusOk;
import dev.workq.protocol.Welcome;
import dev.workq.protocol.codec.MessageDecoder;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journaled broker (fsync always) killed with SIGKILL and started again keeps what it confirmed
 * about tasks: a delayed task is still delayed and runs only after its time, a dedup key still
 * dedups, and a cancelled task stays cancelled and is never delivered. Plays its peers over raw
 * protocol 1 frames, so it depends on no client API.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TaskLifecycleKillProcessTest {

  private static final long DELAY_MS = 20_000;

  @TempDir
  Path dataDir;

  /** A peer on a plain socket: writes frames, reads frames with a bounded wait. */
  private static final class Peer implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final List<Message> unread = new ArrayList<>();
    long corr;

    Peer(int port, Role role, List<String> handlers) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(500);
      in = new DataInputStream(socket.getInputStream());
      send(new Hello(ProtocolVersion.V1, role, "kill-test", "localhost", ProcessHandle.current().pid(), handlers));
      await(Welcome.class, 10_000);
    }

    void send(Message m) throws IOException {
      RawFrames.write(socket.getOutputStream(), m);
    }

    /** The first message of {@code type} within {@code ms}, others kept for later; fails if none comes. */
    <T extends Message> T await(Class<T> type, long ms) throws IOException {
      T m = poll(type, ms);
      if (m == null) {
        throw new AssertionError("no " + type.getSimpleName() + " within " + ms + " ms; got " + unread);
      }
      return m;
    }

    <T extends Message> T poll(Class<T> type, long ms) throws IOException {
      long deadline = System.currentTimeMillis() + ms;
      while (true) {
        for (Message m : unread) {
          if (type.isInstance(m)) {
            unread.remove(m);
            return type.cast(m);
          }
        }
        if (System.currentTimeMillis() >= deadline) {
          return null;
        }
        try {
          byte[] body = new byte[in.readInt()];
          in.readFully(body);
          unread.add(MessageDecoder.decode(Unpooled.wrappedBuffer(body)));
        } catch (SocketTimeoutException e) {
          // Nothing yet: look at the deadline again.
        } catch (java.io.EOFException e) {
          throw new AssertionError("the broker closed the connection; it had sent " + unread, e);
        }
      }
    }

    String put(String id, Long delayMs, String key) throws IOException {
      send(new Put(++corr, "jobs", ItemKind.TASK, id, "echo", null, null, null, null, delayMs, key, Payload.ofUtf8("{}")));
      return await(PutOk.class, 10_000).id();
    }

    List<TaskInfo> status(String... ids) throws IOException {
      send(new TaskStatus(++corr, List.of(ids)));
      return await(TaskStatusOk.class, 10_000).tasks();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void delayDedupAndCancelSurviveABrokerKill() throws Exception {
    int port = freePort();
    long notBefore;
    try (BrokerProcess first = BrokerProcess.start(port, dataDir, "--fsync", "always")) {
      try (Peer client = new Peer(port, Role.CLIENT, List.of())) {
        assertEquals("delayed", client.put("delayed", DELAY_MS, null));
        assertEquals("keyed", client.put("keyed", null, "order-17"));
        assertEquals("doomed", client.put("doomed", null, null));
        client.send(new TaskCancel(++client.corr, "doomed"));
        assertTrue(client.await(TaskCancelOk.class, 10_000).cancelled());
        notBefore = client.status("delayed").get(0).notBefore();
      }
      first.kill();
    }

    try (BrokerProcess second = BrokerProcess.start(port, dataDir, "--fsync", "always");
        Peer client = new Peer(port, Role.CLIENT, List.of());
        Peer worker = new Peer(port, Role.WORKER, List.of("echo"))) {
      List<TaskInfo> after = client.status("delayed", "keyed", "doomed");
      if (System.currentTimeMillis() < notBefore) {
        assertEquals(TaskState.DELAYED, after.get(0).state(), after.toString());
      }
      assertEquals(notBefore, after.get(0).notBefore(), "its time survived");
      assertEquals(TaskState.READY, after.get(1).state());
      assertEquals(TaskState.CANCELLED, after.get(2).state());
      assertEquals("keyed", client.put(null, null, "order-17"), "the key still dedups");

      worker.send(new Consume(++worker.corr, "jobs", 10, null));
      List<String> delivered = new ArrayList<>();
      long deadline = notBefore + 30_000;
      while (!delivered.contains("delayed") && System.currentTimeMillis() < deadline) {
        Deliver d = worker.poll(Deliver.class, 500);
        if (d != null) {
          delivered.add(d.id());
          if (d.id().equals("delayed")) {
            assertTrue(System.currentTimeMillis() >= notBefore, "ran before its time");
          }
        }
      }
      assertEquals(List.of("keyed", "delayed"), delivered, "once each, the cancelled one never");
      assertFalse(worker.poll(Deliver.class, 1_000) != null, "nothing more");
      assertEquals(TaskState.CANCELLED, client.status("doomed").get(0).state());
    }
  }
}
