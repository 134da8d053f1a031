package dev.workq.bench.workload;

import dev.workq.bench.system.SubmitterSystem;
import dev.workq.bench.system.Submitter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The two workloads. Both are bounded in count and in time: a run that has not got every result
 * back by its deadline stops and counts the missing ones as lost.
 */
public final class Workloads {

  /** Open-loop runs give up (and say so) when this many tasks are outstanding: the rate is unsustainable. */
  static final int OPEN_LOOP_MAX_OUTSTANDING = 200_000;

  /** After the last result, how long to keep listening for duplicates. */
  static final Duration DUPLICATE_GRACE = Duration.ofMillis(300);

  private Workloads() {}

  /**
   * A JSON document of exactly {@code size} bytes (at least 8): {@code {"p":"xxx…"}}. Every system
   * gets the same bytes; workq's worker parses them as JSON, the peers' workers do not look.
   */
  public static byte[] payload(int size) {
    int fill = Math.max(0, size - 8);
    byte[] b = new byte[8 + fill];
    byte[] head = "{\"p\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, b, 0, head.length);
    Arrays.fill(b, head.length, head.length + fill, (byte) 'x');
    b[head.length + fill] = '"';
    b[head.length + fill + 1] = '}';
    return b;
  }

  /**
   * RT: one submitter, {@code n} tasks, at most {@code window} outstanding. A task's intended
   * submit time is the moment its window slot was granted.
   */
  public static WorkloadResult roundTrip(SubmitterSystem system, int n, int payloadSize, int window, Duration timeout)
      throws Exception {
    Semaphore slots = new Semaphore(window);
    Tracker t = new Tracker(n, slots);
    byte[] payload = payload(payloadSize);
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String note = "";
    long first = 0;
    try (Submitter s = system.submitter(t)) {
      first = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          note = "timed out after " + timeout.toSeconds() + " s";
          break;
        }
        t.submitting(i, System.nanoTime());
        s.submit(i, payload);
      }
      if (!t.awaitSubmitted(deadline) && note.isEmpty()) {
        note = "timed out after " + timeout.toSeconds() + " s";
      }
      Thread.sleep(DUPLICATE_GRACE.toMillis());
    }
    return t.result(system.name(), "RT", payloadSize, 0, first, start, note);
  }

  /**
   * LAT: open loop at {@code rate} tasks/s for {@code n} tasks. Task i's intended submit time is
   * {@code start + i / rate}; a submitter that falls behind submits at once and the delay counts
   * in the latency (no coordinated omission).
   */
  public static WorkloadResult openLoop(SubmitterSystem system, int n, int payloadSize, double rate, Duration timeout)
      throws Exception {
    Tracker t = new Tracker(n, null);
    byte[] payload = payload(payloadSize);
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String note = "";
    long first = 0;
    try (Submitter s = system.submitter(t)) {
      first = System.nanoTime();
      double interval = 1e9 / rate;
      for (int i = 0; i < n; i++) {
        long intended = first + (long) (i * interval);
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
          LockSupport.parkNanos(Math.min(wait, 1_000_000));
        }
        if (System.nanoTime() > deadline) {
          note = "timed out after " + timeout.toSeconds() + " s";
          break;
        }
        if (t.outstanding() > OPEN_LOOP_MAX_OUTSTANDING) {
          note = "gave up: more than " + OPEN_LOOP_MAX_OUTSTANDING + " outstanding";
          break;
        }
        t.submitting(i, intended);
        s.submit(i, payload);
      }
      if (!t.awaitSubmitted(deadline) && note.isEmpty()) {
        note = "timed out after " + timeout.toSeconds() + " s";
      }
      Thread.sleep(DUPLICATE_GRACE.toMillis());
    }
    return t.result(system.name(), "LAT", payloadSize, rate, first, start, note);
  }
}
