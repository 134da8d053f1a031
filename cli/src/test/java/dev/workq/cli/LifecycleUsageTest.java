package dev.workq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle commands' bad usage: one line on stderr, exit 2, and nothing sent. These are
 * decided before the broker is asked anything, so they hold against any broker.
 */
class LifecycleUsageTest {

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

  private void assertUsage(String expected, String... args) {
    assertEquals(2, console.run(args), String.join(" ", args) + ": " + console.err());
    String e = console.err();
    assertTrue(e.startsWith("workq: "), e);
    assertTrue(e.contains(expected), String.join(" ", args) + " printed: " + e);
    assertFalse(e.contains("\tat "), "stack trace printed:\n" + e);
  }

  @Test
  void submitsLifecycleFlagsAreCheckedBeforeAnythingIsSent(@TempDir Path tmp) throws Exception {
    String[] submit = {"submit", "--broker", addr(), "--handler", "echo", "--payload", "{}"};
    assertUsage("'30' needs a unit: ms, s, m or h", concat(submit, "--delay", "30"));
    assertUsage("--delay", concat(submit, "--delay", "soon"));
    assertUsage("--delay and --at", concat(submit, "--delay", "1s", "--at", "2030-01-01T00:00:00Z"));
    assertUsage("not an ISO-8601 time", concat(submit, "--at", "tomorrow"));
    assertUsage("days ahead", concat(submit, "--at", "2999-01-01T00:00:00Z"));
    assertUsage("priority must be 0..9", concat(submit, "--priority", "10"));
    assertUsage("priority must be 0..9", concat(submit, "--priority", "-1"));
    assertUsage("key must not be empty", concat(submit, "--key", ""));
    assertUsage("--timeout applies to --wait only", concat(submit, "--timeout", "5"));
    assertUsage("--keep-unfinished applies to --wait only", concat(submit, "--keep-unfinished"));
    assertUsage("--timeout", concat(submit, "--wait", "--timeout", "-3"));
    Path two = tmp.resolve("two.jsonl");
    Files.writeString(two, "{}\n{}\n");
    assertUsage("--key names one task", "submit", "--broker", addr(), "--handler", "echo", "--file", two.toString(), "--key", "k");
    assertTrue(broker.stats().queues().isEmpty(), "nothing was submitted: " + broker.stats().queues());
  }

  @Test
  void lifecycleCommandsNeedTheirArguments() {
    assertUsage("ID", "status", "--broker", addr());
    assertUsage("ID", "wait", "--broker", addr());
    assertUsage("ID", "cancel", "--broker", addr());
    assertUsage("'--queue", "close", "--broker", addr());
    assertUsage("'--queue", "join", "--broker", addr());
    assertUsage("'--queue", "queue", "purge", "--broker", addr());
    assertUsage("-n must be 1..100", "queue", "peek", "--broker", addr(), "--queue", "q", "-n", "0");
    assertUsage("-n must be 1..100", "queue", "peek", "--broker", addr(), "--queue", "q", "-n", "101");
    assertUsage("is not a duration", "wait", "--broker", addr(), "--timeout", "soon", "t-1");
    assertUsage("--timeout", "join", "--broker", addr(), "--queue", "q", "--timeout", "1d");
  }

  private static String[] concat(String[] head, String... tail) {
    String[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}
