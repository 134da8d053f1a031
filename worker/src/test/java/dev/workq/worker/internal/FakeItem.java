package dev.workq.worker.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link WorkItem} without a broker: it records what the worker would have sent, and can be revoked. */
final class FakeItem implements WorkItem {

  private static long tags;

  final long tag;
  final String id;
  final String handler;
  final int attempts;
  final byte[] payload;
  /** What was sent for this item: "complete", "fail permanent=B", "fail retryAfter=MS", "release". */
  final List<String> sent = new CopyOnWriteArrayList<>();
  private final List<Runnable> onRevoke = new ArrayList<>();
  private boolean revoked;

  FakeItem(String handler, String json) {
    this(handler, json, 1);
  }

  FakeItem(String handler, String json, int attempts) {
    synchronized (FakeItem.class) {
      this.tag = ++tags;
    }
    this.id = "t" + tag;
    this.handler = handler;
    this.attempts = attempts;
    this.payload = json.getBytes(StandardCharsets.UTF_8);
  }

  /** What the client does on a REVOKE: marks it, runs the callbacks (here on the caller's thread). */
  void revoke() {
    List<Runnable> run;
    synchronized (this) {
      revoked = true;
      run = List.copyOf(onRevoke);
    }
    run.forEach(Runnable::run);
  }

  @Override
  public long tag() {
    return tag;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String queue() {
    return "tasks";
  }

  @Override
  public String handler() {
    return handler;
  }

  @Override
  public int attempts() {
    return attempts;
  }

  @Override
  public byte[] payload() {
    return payload;
  }

  @Override
  public long leaseMs() {
    return 30_000;
  }

  @Override
  public synchronized boolean isRevoked() {
    return revoked;
  }

  @Override
  public synchronized void onRevoke(Runnable action) {
    onRevoke.add(action);
  }

  // Like Delivery: nothing is sent once revoked; recorded with a marker so a test sees it was tried.
  private void send(String what) {
    sent.add(isRevoked() ? "suppressed " + what : what);
  }

  @Override
  public void complete(byte[] result) {
    send("complete");
  }

  @Override
  public void fail(String error, boolean permanent, byte[] result) {
    send("fail permanent=" + permanent);
  }

  @Override
  public void fail(String error, Duration retryAfter, byte[] result) {
    send("fail retryAfter=" + retryAfter.toMillis());
  }

  @Override
  public void release() {
    send("release");
  }
}
