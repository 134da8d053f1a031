package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.protocol.Json;
import dev.workq.protocol.QueueStats;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lifecycle commands against an in-process broker with no workers: tasks stay where they are
 * put, so each state can be looked at, waited for, cancelled, purged and joined. Every test but
 * {@link #submitWaitTimeoutWithKeepUnfinishedPrintsHowToCollectTheResults} needs the broker side
 * of issue 11.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleCliTest {

  @RegisterExtension
  final Console console = new Console();
  private Broker broker;

  @BeforeEach
  void startBroker() {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  private String addr() {
    return "127.0.0.1:" + broker.port();
  }

  private int run(String... args) {
    return console.run(args);
  }

  /** Submits one task and returns its id. */
  private String submit(String queue, String... flags) {
    String[] base = {"submit", "--broker", addr(), "--queue", queue, "--handler", "echo", "--payload", "{\"n\":1}"};
    String[] args = java.util.Arrays.copyOf(base, base.length + flags.length);
    System.arraycopy(flags, 0, args, base.length, flags.length);
    assertEquals(0, run(args), console.err());
    return console.out().trim();
  }

  private QueueStats queue(String name) {
    return broker.stats().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
  }

  private static JsonNode json(String line) throws Exception {
    return Json.mapper().readTree(line);
  }

  @Test
  void submitWaitTimeoutWithKeepUnfinishedPrintsHowToCollectTheResults() {
    assertEquals(1, run("submit", "--broker", addr(), "--queue", "nowork", "--handler", "echo", "--payload", "{}", "--wait",
        "--timeout", "1", "--keep-unfinished"));
    String err = console.err();
    assertTrue(err.contains("warning: no worker consumes 'nowork'"), err);
    assertTrue(err.contains("not all finished within 1 s: 1 of 1 tasks unfinished, left running (--keep-unfinished)"), err);
    assertTrue(err.contains("  workq wait --broker " + addr() + " "), err);
    assertTrue(err.contains("workq results --broker " + addr() + " --queue _reply."), err);
    assertTrue(err.lines().reduce((a, b) -> b).orElseThrow().contains("timed out after 1 s (--timeout)"), err);
    assertEquals(1, queue("nowork").ready(), "left on its queue");
  }

  @Test
  void aDelayedTaskShowsAsDelayedAndCancelRemovesIt() throws Exception {
    String id = submit("later", "--delay", "1h", "--priority", "4");
    assertEquals(0, run("status", "--broker", addr(), "--json", id), console.err());
    JsonNode s = json(console.out().trim());
    assertEquals("delayed", s.get("state").asText());
    assertEquals(4, s.get("priority").asInt());
    assertTrue(s.has("notBefore"), s.toString());
    assertEquals(0, run("cancel", "--broker", addr(), id), console.err());
    assertEquals("cancelled " + id + " (it was delayed)", console.out().trim());
    assertEquals(0, run("status", "--broker", addr(), "--json", id), console.err());
    JsonNode c = json(console.out().trim());
    assertEquals("cancelled", c.get("state").asText());
    assertTrue(c.get("result").get("error").asText().startsWith("dev.workq.Cancelled"), c.toString());
    assertEquals(1, run("wait", "--broker", addr(), "--timeout", "5", id), "a cancelled task is a failed one");
    assertTrue(json(console.out().trim()).get("error").asText().startsWith("dev.workq.Cancelled"), console.out());
    assertTrue(console.err().contains("1 of 1 tasks failed"), console.err());
  }

  @Test
  void unknownIdsAreNotFoundAndExit1() throws Exception {
    String id = submit("q");
    assertEquals(1, run("status", "--broker", addr(), "--json", id, "no-such-task"));
    List<String> lines = console.out().lines().toList();
    assertEquals("ready", json(lines.get(0)).get("state").asText());
    assertEquals("not-found", json(lines.get(1)).get("state").asText());
    assertTrue(console.err().startsWith("workq: 1 of 2 tasks not found"), console.err());
    assertEquals(1, run("cancel", "--broker", addr(), "no-such-task"));
    assertEquals(1, run("wait", "--broker", addr(), "--timeout", "1", "no-such-task"));
    assertTrue(console.err().contains("not found: no-such-task"), console.err());
  }

  @Test
  void waitTimesOutNamingTheState() {
    String id = submit("q");
    assertEquals(1, run("wait", "--broker", addr(), "--timeout", "500ms", id));
    assertEquals("workq: 1 of 1 tasks did not finish within 500 ms: " + id + " (ready)\n", console.err());
  }

  @Test
  void joinPurgeAndCloseAQueue() {
    submit("work");
    submit("work", "--delay", "10m");
    assertEquals(1, run("join", "--broker", addr(), "--queue", "work", "--timeout", "300ms"));
    assertTrue(console.err().contains("'work' still has 2 unfinished tasks after 300 ms"), console.err());
    assertEquals(0, run("queue", "peek", "--broker", addr(), "--queue", "work", "--json"), console.err());
    assertEquals(2, console.out().lines().count(), console.out());
    assertEquals(0, run("queue", "purge", "--broker", addr(), "--queue", "work"), console.err());
    assertEquals("purged 'work': 1 ready, 1 delayed, 0 STOPs", console.out().trim());
    assertEquals(0, run("join", "--broker", addr(), "--queue", "work", "--timeout", "5"), console.err());
    assertEquals(0, run("close", "--broker", addr(), "--queue", "work"), console.err());
    assertTrue(console.out().startsWith("closed 'work': it takes no new tasks"), console.out());
    assertEquals(1, run("submit", "--broker", addr(), "--queue", "work", "--handler", "echo", "--payload", "{}"));
    assertTrue(console.err().contains("QUEUE_CLOSED"), console.err());
    assertEquals(1, run("close", "--broker", addr(), "--queue", "nosuchqueue"));
    assertTrue(console.err().contains("UNKNOWN_QUEUE"), console.err());
  }

  @Test
  void resultsPointedAtATaskQueueRefusesExits2AndTakesNothing() {
    submit("tasks");
    assertEquals(2, run("results", "--broker", addr(), "--queue", "tasks", "--count", "1", "--timeout", "2"));
    assertTrue(console.err().contains("'tasks' holds tasks, not results; did you mean 'tasks.done'?"), console.err());
    assertEquals(1, console.err().lines().count(), console.err());
    assertEquals(1, queue("tasks").ready(), "the task is still there");
  }

  @Test
  void peekListsTheHigherPriorityFirst() throws Exception {
    submit("p");
    String urgent = submit("p", "--priority", "9");
    assertEquals(0, run("queue", "peek", "--broker", addr(), "--queue", "p", "-n", "1", "--json"), console.err());
    JsonNode first = json(console.out().trim());
    assertEquals(urgent, first.get("id").asText());
    assertEquals(9, first.get("priority").asInt());
    assertTrue(console.err().contains("1 of 2 ready"), console.err());
  }

  @Test
  void aSecondSubmitWithTheSameKeyGetsTheFirstId() {
    String first = submit("k", "--key", "invoice-1");
    assertEquals(first, submit("k", "--key", "invoice-1"));
    assertEquals(1, queue("k").ready(), "queued once");
  }

  @Test
  void submitWaitWithATakenKeyWaitsForTheTaskThatHoldsIt() {
    String first = submit("nowork", "--key", "once");
    assertEquals(1, run("submit", "--broker", addr(), "--queue", "nowork", "--handler", "echo", "--payload", "{}", "--key", "once",
        "--wait", "--timeout", "1", "--keep-unfinished"));
    assertTrue(console.err().contains("  workq wait --broker " + addr() + " " + first + "\n"), console.err());
    assertEquals(1, queue("nowork").ready(), "queued once");
  }

  @Test
  void submitWaitTimeoutCancelsTheUnfinishedTasksByDefault() {
    assertEquals(1, run("submit", "--broker", addr(), "--queue", "nowork", "--handler", "echo", "--payload", "{}", "--wait",
        "--timeout", "1"));
    String err = console.err();
    assertTrue(err.contains("cancelling 1 of 1 tasks, unfinished (--keep-unfinished leaves them running)"), err);
    assertTrue(err.contains("cancelled 1 tasks"), err);
    assertEquals(0, queue("nowork").ready(), "nothing left to run");
  }

  @Test
  void stopSaysHowManyStopsStayPendingWithFewerWorkers() {
    submit("tasks");
    assertEquals(0, run("stop", "--broker", addr(), "--queue", "tasks", "--workers", "3"), console.err());
    assertTrue(console.err().contains("3 STOPs stay pending: no worker consumes 'tasks'"), console.err());
  }
}
