package dev.workq.protocol.codec;

import dev.workq.protocol.Ack;
import dev.workq.protocol.Cancel;
import dev.workq.protocol.Complete;
import dev.workq.protocol.Consume;
import dev.workq.protocol.DeadLetters;
import dev.workq.protocol.Deliver;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Fetch;
import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Message;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Ping;
import dev.workq.protocol.Put;
import dev.workq.protocol.PutOk;
import dev.workq.protocol.Release;
import dev.workq.protocol.Renew;
import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.Revoke;
import dev.workq.protocol.StatsRequest;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskStatus;
import dev.workq.protocol.TaskWait;
import dev.workq.protocol.TaskWaitOk;
import java.util.List;
import java.util.Random;

/**
 * Valid messages drawn from a seed, weighted toward the hot types and toward awkward values
 * (extremes of every integer, text that needs escaping in JSON or more than one byte in UTF-8,
 * empty and long payloads), so a failing test names a seed that reproduces it.
 */
final class RandomMessages {

  private static final String[] ODD = {"", "a\"b", "back\\slash", "tab\there", "nl\nx", "\u0000", "\u001f", "\u007f",
      "é", "日本語", "emoji \uD83D\uDE00", "</script>", "\u2028", "\uFFFF"};
  private static final ItemKind[] PUT_KINDS = {ItemKind.TASK, ItemKind.STOP, ItemKind.DATA, ItemKind.UNKNOWN};

  private final Random r;

  RandomMessages(long seed) {
    this.r = new Random(seed);
  }

  Message next() {
    return switch (r.nextInt(14)) {
      case 0, 1 -> put();
      case 2 -> new PutOk(num(), text());
      case 3, 4 -> deliver();
      case 5, 6 -> new Complete(num(), r.nextBoolean(), r.nextBoolean() ? null : text(), r.nextBoolean(),
          r.nextBoolean() ? null : (long) r.nextInt(86_400_001), payload());
      case 7 -> new Ack(num());
      case 8 -> new Release(num());
      case 9 -> renew();
      case 10 -> new ErrorReply(num(), ErrorCode.values()[r.nextInt(ErrorCode.values().length)], text(), r.nextBoolean(),
          r.nextBoolean() ? null : num());
      case 11 -> new Consume(num(), queue(), 1 + r.nextInt(65_536), r.nextBoolean() ? null : List.of("h-" + r.nextInt(9)));
      case 12 -> new Fetch(num(), queue(), r.nextInt(3_600_001));
      default -> switch (r.nextInt(12)) {
        case 0 -> new Ping(num());
        case 1 -> new Cancel(num(), num());
        case 2 -> new StatsRequest(num(), r.nextBoolean() ? null : "q" + queue());
        case 3 -> new TaskStatus(num(), List.of(taskId(), taskId()));
        case 4 -> new TaskWait(num(), taskId(), r.nextInt(3_600_001));
        case 5 -> new TaskWaitOk(num(), text(), TaskState.values()[r.nextInt(TaskState.values().length)], r.nextBoolean(), payload());
        case 6 -> new TaskCancel(num(), taskId());
        case 7 -> new Revoke(num(), text());
        case 8 -> new QueuePurge(num(), queue(), r.nextBoolean());
        case 9 -> new QueueJoin(num(), queue(), r.nextInt(3_600_001));
        case 10 -> new Consume(num(), queue(), 1 + r.nextInt(65_536), null, r.nextBoolean());
        default -> new DeadLetters(num(), queue(), DeadLetters.Action.values()[r.nextInt(3)], List.of(text()), r.nextInt(10_001));
      };
    };
  }

  private Deliver deliver() {
    ItemKind kind = ItemKind.values()[r.nextInt(ItemKind.values().length)];
    return new Deliver(num(), num(), num(), queue(), kind, r.nextBoolean() ? null : text(), r.nextBoolean() ? "noop" : null,
        r.nextBoolean() ? queue() : null, r.nextInt(), num(), payload());
  }

  private Renew renew() {
    long[] tags = new long[r.nextInt(4) == 0 ? r.nextInt(2000) : r.nextInt(4)];
    for (int i = 0; i < tags.length; i++) {
      tags[i] = num();
    }
    return new Renew(tags);
  }

  /** A put the record accepts (its id may not hold control characters): drawn until one is. */
  private Put put() {
    while (true) {
      try {
        ItemKind kind = PUT_KINDS[r.nextInt(PUT_KINDS.length)];
        return new Put(num(), queue(), kind, r.nextBoolean() ? null : nonEmpty(),
            kind == ItemKind.TASK || r.nextBoolean() ? "h-" + r.nextInt(9) : null,
            r.nextBoolean() ? queue() : null, r.nextBoolean() ? null : 1 + r.nextInt(Put.MAX_ATTEMPTS),
            r.nextBoolean() ? null : Put.MIN_LEASE_MS + r.nextInt(1_000_000), r.nextBoolean() ? null : r.nextInt(10),
            r.nextBoolean() ? null : (long) r.nextInt(1_000_000), r.nextBoolean() ? null : nonEmpty(), payload());
      } catch (IllegalArgumentException rejected) {
        // draw again
      }
    }
  }

  private Payload payload() {
    int n = switch (r.nextInt(8)) {
      case 0 -> 0;
      case 1 -> 1000 + r.nextInt(70_000);
      default -> r.nextInt(64);
    };
    byte[] bytes = new byte[n];
    r.nextBytes(bytes);
    return Payload.wrap(bytes);
  }

  long num() {
    return switch (r.nextInt(4)) {
      case 0 -> r.nextInt(10);
      case 1 -> Long.MAX_VALUE - r.nextInt(3);
      case 2 -> Long.MIN_VALUE + r.nextInt(3);
      default -> r.nextLong();
    };
  }

  private String queue() {
    return "q" + r.nextInt(100) + (r.nextBoolean() ? ".done" : "");
  }

  /** A task id a request accepts: no control characters. */
  private String taskId() {
    return (r.nextBoolean() ? "é-日本語-" : "t-") + r.nextInt(100_000);
  }

  private String nonEmpty() {
    String s = text();
    return s.isEmpty() ? "x" : s;
  }

  private String text() {
    StringBuilder b = new StringBuilder();
    int parts = r.nextInt(4);
    for (int i = 0; i < parts; i++) {
      b.append(r.nextBoolean() ? ODD[r.nextInt(ODD.length)] : "id-" + r.nextInt(100_000));
    }
    return b.toString();
  }
}
