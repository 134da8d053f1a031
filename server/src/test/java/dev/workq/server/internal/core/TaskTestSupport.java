package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.TaskStatus;
import dev.workq.protocol.TaskStatusOk;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Puts with priority, delay and key, and status look-ups, for the core tests of tasks by id. */
final class TaskTestSupport {

  private static final AtomicLong CORR = new AtomicLong(1_000);

  private TaskTestSupport() {}

  static long put(CoreHarness.Peer p, String queue, String id, String handler, Integer priority, Long delayMs, String key) {
    long corr = CORR.incrementAndGet();
    p.send(new Put(corr, queue, ItemKind.TASK, id, handler, null, null, null, priority, delayMs, key, Payload.ofUtf8("p-" + id)));
    return corr;
  }

  /** The PUT_OK ids received since last asked. */
  static List<String> putOks(CoreHarness.Peer p) {
    return p.conn.take(PutOk.class).stream().map(PutOk::id).toList();
  }

  static List<ErrorReply> errors(CoreHarness.Peer p) {
    return p.conn.take(ErrorReply.class);
  }

  static TaskInfo status(CoreHarness.Peer p, String id) {
    p.send(new TaskStatus(CORR.incrementAndGet(), List.of(id)));
    List<TaskStatusOk> oks = p.conn.take(TaskStatusOk.class);
    assertEquals(1, oks.size(), () -> "one TASK_STATUS_OK: " + oks + ", also sent: " + p.conn.sent);
    return oks.get(0).tasks().get(0);
  }

  static long corr() {
    return CORR.incrementAndGet();
  }
}
