package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import java.util.ArrayList;
import java.util.List;

/**
 * One item in a queue, owned by the core thread. The payload is never parsed here. {@code seq}
 * orders items by arrival (items handed back go to the front in their original order) and is the
 * item's identity in the journal.
 */
final class Item {

  /**
   * Where an item is: waiting (or running) in its queue, in the queue's dead letters, or (a
   * result item only) taken off its done queue but kept as its task's retained result.
   */
  enum State {
    READY,
    DEAD,
    RETIRED
  }

  /** At most this many errors are kept per item, the newest. */
  static final int MAX_ERRORS = 20;

  final long seq;
  final String id;
  final String queue;
  final ItemKind kind;
  final String handler;
  final String replyTo;
  final int maxAttempts;
  final long leaseMs;
  final Payload payload;
  State state = State.READY;
  int attempts;
  int crashes;
  /** Wall-clock millis before which a failed task is not retried; 0 when not delayed. */
  long notBefore;
  List<String> errors = List.of();
  /** 0 to 9, higher first; kept by retries and dead letters. */
  int priority;
  /** The deduplication key the task was put with, or null. */
  String key;
  /** For the result item of a finished task: how and when it finished (its retained state); else null. */
  Finish finish;
  /** Whether the item is in its queue's {@link ReadyItems}; kept by them. Not journaled. */
  boolean inReady;
  /** The delivery that last held it, set when delivered; see {@link #heldBy()}. Not journaled. */
  Delivery delivery;
  /** Wall-clock millis when it last became ready, for a task's status; 0 if unknown. Not journaled. */
  long readyAt;
  /**
   * {@code System.nanoTime()} when the item was accepted, for its round-trip metric: its creation,
   * reset when a put becomes durable. Not journaled: an item recovered at a restart counts from
   * its recovery. A retry or dead letter keeps its task's.
   */
  long acceptedAtNanos = System.nanoTime();

  Item(long seq, String id, String queue, ItemKind kind, String handler, String replyTo, int maxAttempts,
      long leaseMs, Payload payload) {
    this.seq = seq;
    this.id = id;
    this.queue = queue;
    this.kind = kind;
    this.handler = handler;
    this.replyTo = replyTo;
    this.maxAttempts = maxAttempts;
    this.leaseMs = leaseMs;
    this.payload = payload;
  }

  /** The same task under a new seq, keeping its history: for retries and dead letters. */
  Item copy(long newSeq) {
    Item c = new Item(newSeq, id, queue, kind, handler, replyTo, maxAttempts, leaseMs, payload);
    c.state = state;
    c.attempts = attempts;
    c.crashes = crashes;
    c.notBefore = notBefore;
    c.errors = errors;
    c.priority = priority;
    c.key = key;
    c.acceptedAtNanos = acceptedAtNanos;
    return c;
  }

  void addError(String error) {
    List<String> next = new ArrayList<>(errors);
    next.add(error == null ? "unknown error" : error);
    while (next.size() > MAX_ERRORS) {
      next.remove(0);
    }
    errors = List.copyOf(next);
  }

  /** The delivery holding the item now, or null. */
  Delivery heldBy() {
    Delivery d = delivery;
    return d != null && !d.session.closed && d.session.held.get(d.tag) == d ? d : null;
  }

  /** Rough heap and journal footprint, for deciding when to compact. */
  long footprint() {
    return 96 + payload.length() + id.length() * 2L;
  }
}
