package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.TaskState;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.QueueStats;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle from the shell, with real {@code workq} processes: Ctrl-C (SIGINT) on a
 * {@code submit --wait} cancels its unfinished tasks, or with {@code --keep-unfinished} prints a
 * {@code workq wait} command that collects them; a running task is cancelled on its worker;
 * {@code close} stops the workers once the queue drains. Needs the broker side of issue 11 (and
 * the worker's REVOKE handling for the running cancel).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LifecycleCliProcessTest {

  @TempDir
  Path tmp;

  private Broker broker;
  private WorkerProcesses workers;
  private final List<Process> commands = new ArrayList<>();

  @BeforeEach
  void start() {
    broker = Broker.start(BrokerOptions.builder().port(0).build());
    workers = new WorkerProcesses();
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : commands) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    workers.close();
    broker.close();
  }

  private String addr() {
    return "127.0.0.1:" + broker.port();
  }

  /** Starts {@code workq ARGS...} in its own JVM, stdout and stderr to files. */
  private Process workq(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(WorkerProcesses.javaBinary(), "-Xmx96m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.workq.cli.Workq"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve(name + ".out").toFile())
        .redirectError(tmp.resolve(name + ".err").toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    commands.add(p);
    return p;
  }

  private String out(String name) throws IOException {
    return Files.readString(tmp.resolve(name + ".out"));
  }

  private String err(String name) throws IOException {
    return Files.readString(tmp.resolve(name + ".err"));
  }

  private int exit(Process p, String name) throws Exception {
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not exit within 60 s; stderr:\n" + err(name));
    }
    return p.exitValue();
  }

  private long ready(String queue) {
    return broker.stats().queues().stream().filter(q -> q.name().equals(queue)).mapToLong(QueueStats::ready).sum();
  }

  private static void sigint(Process p) throws Exception {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -INT failed");
  }

  private Path payloads(int n) throws IOException {
    Path file = tmp.resolve("payloads.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("{\"n\":").append(i).append("}\n");
    }
    Files.writeString(file, sb.toString());
    return file;
  }

  @Test
  void ctrlCOnSubmitWaitCancelsTheUnfinishedTasks() throws Exception {
    Process submit = workq("submit", "submit", "--broker", addr(), "--queue", "nowork", "--handler", "echo",
        "--file", payloads(3).toString(), "--wait");
    await().atMost(Duration.ofSeconds(60)).until(() -> ready("nowork") == 3);
    sigint(submit);
    assertEquals(130, exit(submit, "submit"), "killed by SIGINT: 128 + 2");
    String err = err("submit");
    assertTrue(err.contains("workq: interrupted: cancelling 3 of 3 tasks, unfinished"), err);
    assertTrue(err.contains("workq: cancelled 3 tasks"), err);
    assertEquals(0, ready("nowork"), "nothing left to run");
  }

  @Test
  void ctrlCWithKeepUnfinishedPrintsAWaitCommandThatCollectsTheResults() throws Exception {
    Process submit = workq("keep", "submit", "--broker", addr(), "--queue", "later", "--handler", "echo",
        "--file", payloads(2).toString(), "--wait", "--keep-unfinished");
    await().atMost(Duration.ofSeconds(60)).until(() -> ready("later") == 2);
    sigint(submit);
    assertEquals(130, exit(submit, "keep"));
    String err = err("keep");
    assertTrue(err.contains("2 of 2 tasks unfinished, left running (--keep-unfinished)"), err);
    Matcher wait = Pattern.compile("(?m)^  workq (wait --broker \\S+( \\S+){2})$").matcher(err);
    assertTrue(wait.find(), err);
    assertEquals(2, ready("later"), "left on the queue");
    workers.start(addr(), "--queue", "later", "--concurrency", "2");
    Process collect = workq("collect", wait.group(1).split(" "));
    assertEquals(0, exit(collect, "collect"), err("collect"));
    assertEquals(2, out("collect").lines().count(), out("collect"));
    assertTrue(out("collect").contains("\"ok\":true"), out("collect"));
  }

  @Test
  void aRunningTaskIsCancelledOnItsWorker() throws Exception {
    workers.start(addr(), "--queue", "slow", "--concurrency", "1");
    await().atMost(Duration.ofSeconds(60)).until(() -> broker.stats().workers().size() == 1);
    Process submit = workq("submit", "submit", "--broker", addr(), "--queue", "slow", "--handler", "sleep",
        "--payload", "{\"ms\": 120000}");
    assertEquals(0, exit(submit, "submit"), err("submit"));
    String id = out("submit").trim();
    try (WorkqClient client = WorkqClient.connect(addr())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> client.status(id).state() == TaskState.RUNNING);
    }
    Process cancel = workq("cancel", "cancel", "--broker", addr(), id);
    assertEquals(0, exit(cancel, "cancel"), err("cancel"));
    assertEquals("cancelled " + id + " (it was running)", out("cancel").trim());
    Process status = workq("status", "status", "--broker", addr(), "--json", id);
    assertEquals(0, exit(status, "status"), err("status"));
    assertTrue(out("status").contains("\"state\":\"cancelled\""), out("status"));
    // The slot is free at once: the next task runs without waiting out the two minutes.
    Process next = workq("next", "submit", "--broker", addr(), "--queue", "slow", "--handler", "echo", "--payload", "{}",
        "--wait", "--timeout", "30");
    assertEquals(0, exit(next, "next"), err("next"));
  }

  @Test
  void closeStopsTheWorkersOnceTheQueueHasDrainedAndJoinWaitsForIt() throws Exception {
    Process worker = workers.start(addr(), "--queue", "batch", "--concurrency", "2");
    await().atMost(Duration.ofSeconds(60)).until(() -> broker.stats().workers().size() == 1);
    Process submit = workq("submit", "submit", "--broker", addr(), "--queue", "batch", "--handler", "sleep",
        "--file", sleeps(4).toString(), "--delay", "500ms");
    assertEquals(0, exit(submit, "submit"), err("submit"));
    Process close = workq("close", "close", "--broker", addr(), "--queue", "batch");
    assertEquals(0, exit(close, "close"), err("close"));
    assertTrue(out("close").contains("its 1 worker gets a STOP"), out("close"));
    Process join = workq("join", "join", "--broker", addr(), "--queue", "batch", "--timeout", "60");
    assertEquals(0, exit(join, "join"), err("join"));
    assertEquals(0, workers.awaitExit(worker, 60), workers.log(worker));
    Process refused = workq("refused", "submit", "--broker", addr(), "--queue", "batch", "--handler", "echo", "--payload", "{}");
    assertEquals(1, exit(refused, "refused"));
    assertTrue(err("refused").contains("QUEUE_CLOSED"), err("refused"));
  }

  private Path sleeps(int n) throws IOException {
    Path file = tmp.resolve("sleeps.jsonl");
    Files.writeString(file, "{\"ms\": 200}\n".repeat(n));
    return file;
  }
}
