package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.Hello;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.Release;
import dev.workq.protocol.Renew;
import dev.workq.protocol.Role;
import java.util.List;
import java.util.Random;

/**
 * A whole in-memory core driven synchronously from a test: on a {@link FakeClock}, with peers
 * whose connections record what the core sends them. Every request is handled before
 * {@link Peer#send} returns; time passes only through {@link #advance}.
 */
final class CoreHarness {

  final FakeClock clock;
  final BrokerCore core;
  private long corr;
  private int sessions;

  CoreHarness(CoreConfig config, long seed) {
    clock = new FakeClock();
    core = BrokerCore.inMemory(config, clock, clock, new Random(seed));
  }

  /** A core that journals into {@code journal} after restoring what it holds, its clock {@code elapsedMs} in. */
  CoreHarness(CoreConfig config, long seed, TestJournal journal, long elapsedMs) {
    clock = new FakeClock(elapsedMs);
    core = BrokerCore.restored(config, journal.persistence(), journal.replay(), clock, clock, new Random(seed));
    clock.runPending();
  }

  /** A config with every budget open, a lease of {@code leaseMs} and the given backoffs. */
  static CoreConfig config(int maxAttempts, long leaseMs, long backoffMs, long backoffMaxMs) {
    return CoreConfig.unbounded(100_000, 1 << 20, maxAttempts, leaseMs, backoffMs, backoffMaxMs);
  }

  void advance(long ms) {
    clock.advance(ms);
  }

  /** A worker that acks its STOPs, as this build's worker does. */
  Peer worker(String name, String... handlers) {
    return connect(Role.WORKER, name, List.of(handlers), List.of(Hello.STOP_ACK));
  }

  /** A worker of an earlier release: it never acks a STOP. */
  Peer legacyWorker(String name, String... handlers) {
    return connect(Role.WORKER, name, List.of(handlers), List.of());
  }

  /** A client that acks the STOPs it takes (this build's client does not: {@link #legacyWorker} shows that path). */
  Peer client(String name) {
    return connect(Role.CLIENT, name, List.of(), List.of(Hello.STOP_ACK));
  }

  private Peer connect(Role role, String name, List<String> handlers, List<String> features) {
    TestConnection conn = new TestConnection();
    Session s = new Session(Integer.toString(++sessions), conn, new Hello(1, role, name, "test", 1, handlers, features), 1024, 1024,
        core.inboundBudget());
    core.open(s);
    clock.runPending();
    return new Peer(s, conn);
  }

  /** One connected peer. */
  final class Peer {
    final Session session;
    final TestConnection conn;

    Peer(Session session, TestConnection conn) {
      this.session = session;
      this.conn = conn;
    }

    void send(Message m) {
      core.submit(session, m);
      clock.runPending();
    }

    /** Puts a task for {@code handler} with the given payload on {@code queue}. */
    void put(String queue, String handler, String payload) {
      send(new Put(++corr, queue, ItemKind.TASK, null, handler, null, null, null, Payload.ofUtf8(payload)));
    }

    /** Puts a task with its own id, attempts and lease. */
    void put(String queue, String id, String handler, int maxAttempts, long leaseMs) {
      send(new Put(++corr, queue, ItemKind.TASK, id, handler, null, maxAttempts, leaseMs, Payload.ofUtf8(id)));
    }

    void consume(String queue, int prefetch) {
      send(new Consume(++corr, queue, prefetch, null));
    }

    void complete(Deliver d, String result) {
      send(new Complete(d.tag(), true, null, false, Payload.ofUtf8(result)));
    }

    void fail(Deliver d, String error) {
      send(new Complete(d.tag(), false, error, false, Payload.EMPTY));
    }

    void ack(Deliver d) {
      send(new Ack(d.tag()));
    }

    void release(Deliver d) {
      send(new Release(d.tag()));
    }

    void renew(Deliver... ds) {
      long[] tags = new long[ds.length];
      for (int i = 0; i < ds.length; i++) {
        tags[i] = ds[i].tag();
      }
      send(new Renew(tags));
    }

    void close() {
      core.close(session);
      clock.runPending();
    }

    /** The deliveries received since last asked. */
    List<Deliver> deliveries() {
      return conn.take(Deliver.class);
    }

    /** The one delivery received since last asked. */
    Deliver delivery() {
      List<Deliver> ds = deliveries();
      assertEquals(1, ds.size(), () -> "deliveries to " + session + ": " + ds);
      return ds.get(0);
    }
  }
}
