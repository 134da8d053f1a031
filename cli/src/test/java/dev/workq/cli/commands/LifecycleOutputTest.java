package dev.workq.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.cli.TerminalJson;
import dev.workq.client.BrokerStats;
import dev.workq.client.CancelResult;
import dev.workq.client.CloseResult;
import dev.workq.client.PeekResult;
import dev.workq.client.PeekedItem;
import dev.workq.client.PurgeResult;
import dev.workq.client.QueueStats;
import dev.workq.client.TaskResult;
import dev.workq.client.TaskState;
import dev.workq.client.TaskStatus;
import dev.workq.client.WorkerStats;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the lifecycle commands print, from the client's values: JSON shapes, lines, warnings. */
class LifecycleOutputTest {

  private static final Instant NOW = Instant.parse("2026-12-02T14:00:00Z");

  private static TaskStatus status(String id, TaskState state, Integer attempts, String worker, Instant since, Instant notBefore,
      String error) {
    return new TaskStatus(id, state, "tasks", "pi", 0, attempts, 3, worker, since, notBefore, error, null);
  }

  private static JsonNode json(Object value) throws Exception {
    return Json.mapper().readTree(TerminalJson.write(value));
  }

  @Test
  void statusJsonHasTheStateWordAndOnlyTheFieldsThatApply() throws Exception {
    JsonNode delayed = json(StatusCommand.json(status("t-1", TaskState.DELAYED, 0, null, null, NOW.plusSeconds(30), null), null));
    assertEquals("t-1", delayed.get("id").asText());
    assertEquals("delayed", delayed.get("state").asText());
    assertEquals("2026-12-02T14:00:30Z", delayed.get("notBefore").asText());
    assertEquals("tasks", delayed.get("queue").asText());
    assertNull(delayed.get("worker"), "a field that does not apply is left out");
    JsonNode missing = json(StatusCommand.json(new TaskStatus("x", TaskState.NOT_FOUND, null, null, null, null, null, null, null,
        null, null, null), null));
    assertEquals(List.of("id", "state"), iterable(missing));
    assertEquals("not-found", missing.get("state").asText());
    TaskResult result = new TaskResult("t-2", true, Json.mapper().readTree("{\"pi\":\"3.14\"}"), null, "h:1", 1, 5);
    JsonNode done = json(StatusCommand.json(status("t-2", TaskState.DONE, 1, null, NOW, null, null), result));
    assertEquals("done", done.get("state").asText());
    assertEquals("3.14", done.get("result").get("value").get("pi").asText(), "the result record as an object");
    for (TaskState s : TaskState.values()) {
      assertTrue(s.word().matches("[a-z-]+"), s.word());
    }
  }

  private static List<String> iterable(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void statusLinesSayWhatEachStateMeans() {
    assertEquals("t-1  delayed  on 'tasks', handler pi; ready at 2026-12-02T14:00:30Z (in 30 s)",
        StatusCommand.text(status("t-1", TaskState.DELAYED, 0, null, null, NOW.plusSeconds(30), null), null, NOW));
    assertEquals("t-1  running  on 'tasks', handler pi; attempt 1 of 3 on host:42 since 2026-12-02T14:00:00Z",
        StatusCommand.text(status("t-1", TaskState.RUNNING, 1, "host:42", NOW, null, null), null, NOW));
    assertEquals("t-1  retrying  on 'tasks', handler pi; attempt 1 of 3 failed: boom; next attempt at 2026-12-02T14:02:00Z (in 2 m)",
        StatusCommand.text(status("t-1", TaskState.RETRYING, 1, null, null, NOW.plusSeconds(120), "boom"), null, NOW));
    assertTrue(StatusCommand.text(status("t-1", TaskState.CANCELLED, 0, null, NOW, null, "dev.workq.Cancelled: cancelled by request"),
        null, NOW).endsWith("; dev.workq.Cancelled: cancelled by request"));
    assertTrue(StatusCommand.text(new TaskStatus("x\u001b[2J", TaskState.NOT_FOUND, null, null, null, null, null, null, null, null,
        null, null), null, NOW).startsWith("x\\u001b[2J  not-found  (never put"), "escaped, and says what not-found means");
  }

  @Test
  void cancelCloseAndPurgeLines() {
    assertEquals("cancelled t-1 (it was running)", CancelCommand.line(new CancelResult("t-1", TaskState.RUNNING, true)));
    assertEquals("t-1 had already finished (done): nothing to cancel", CancelCommand.line(new CancelResult("t-1", TaskState.DONE, false)));
    assertEquals("closed 'tasks': it takes no new tasks; once its 3 unfinished tasks finish, each of its 2 workers gets a STOP",
        CloseCommand.line(new CloseResult("tasks", 3, 2)));
    assertEquals("closed 'tasks': it takes no new tasks; none is left, so its 1 worker gets a STOP now",
        CloseCommand.line(new CloseResult("tasks", 0, 1)));
    assertEquals("purged 'q': 3 ready, 2 delayed, 1 STOP, 4 dead letters",
        QueueCommand.PurgeCommand.line(new PurgeResult("q", 3, 2, 1, 4), true));
    assertEquals("purged 'q': 0 ready, 0 delayed, 0 STOPs", QueueCommand.PurgeCommand.line(new PurgeResult("q", 0, 0, 0, 0), false));
  }

  @Test
  void peekShowsEachItemWithoutObeyingItsPayload() throws Exception {
    PeekedItem item = new PeekedItem("i-1", ItemKind.TASK, "echo", 9, TaskState.READY, 0, null, 14, "{\"x\":\"\u001b[31m\"}");
    JsonNode j = json(QueueCommand.PeekCommand.json(item));
    assertEquals("task", j.get("kind").asText());
    assertEquals("ready", j.get("state").asText());
    assertEquals(9, j.get("priority").asInt());
    String table = QueueCommand.PeekCommand.table(new PeekResult("q", 1, 0, List.of(item)));
    assertTrue(table.startsWith("ID   KIND  HANDLER  PRIORITY"), table);
    assertTrue(!table.contains("\u001b"), table);
  }

  @Test
  void stopSaysHowManyStopsStayPending() {
    QueueStats twoWorkers = new QueueStats("tasks", 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, false);
    assertEquals("2 STOPs stay pending: only 2 workers consume 'tasks'; each stops the next worker that subscribes "
        + "(workq queue purge --queue tasks removes them)", StopCommand.pendingNote("tasks", 4, twoWorkers));
    assertNull(StopCommand.pendingNote("tasks", 2, twoWorkers), "one STOP per worker: nothing stays");
    assertTrue(StopCommand.pendingNote("tasks", 1, null).startsWith("1 STOP stays pending: no worker consumes 'tasks'"));
    QueueStats held = new QueueStats("tasks", 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, false, 1, false);
    assertTrue(StopCommand.pendingNote("tasks", 2, held).contains("which already held 1 STOP"));
  }

  @Test
  void theNoWorkerWarningLooksAtTheQueueSubmittedTo() {
    WorkerStats pi = new WorkerStats("w", "h", 1, List.of("pi"), 0, "s");
    QueueStats served = new QueueStats("tasks", 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, false);
    BrokerStats stats = new BrokerStats(List.of(served), List.of(pi), 1, 0, 0);
    assertNull(SubmitCommand.noWorkerWarning(stats, "tasks", "pi"));
    assertEquals("no worker consumes 'taks' (a queue the broker did not have); the tasks will wait there until one does",
        SubmitCommand.noWorkerWarning(stats, "taks", "pi"), "a typo'd queue is caught although a worker offers the handler");
    assertEquals("no connected worker offers handler 'pie'; the tasks will wait on 'tasks' until one does",
        SubmitCommand.noWorkerWarning(stats, "tasks", "pie"));
  }

  @Test
  void waitNamesWhatDidNotFinish() {
    assertEquals("", WaitCommand.problems(3, 0, List.of(), List.of(), null));
    assertEquals("1 of 3 tasks did not finish within 30 s: t-2 (running); 1 of 3 tasks not found: t-3; 1 of 3 tasks failed",
        WaitCommand.problems(3, 1, List.of("t-2 (running)"), List.of("t-3"), Duration.ofSeconds(30)));
  }
}
