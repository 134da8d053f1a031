package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import dev.workq.protocol.Put;
import dev.workq.protocol.TaskState;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's journal records: the state changes the core makes, in a compact binary form. The
 * journal itself only frames and checksums them. Records:
 * <pre>
 *   PUT      u8 1, item                        add an item, or overwrite the item with the same seq
 *   REMOVE   u8 2, i64 seq                     the item is gone (acked, completed, purged, expired)
 *   REPLACE  u8 3, i64 seq, u16 n, item * n    atomically: remove seq, add the n items
 *   EPOCH    u8 4, i64 epoch                   a broker run started; lease tokens carry the epoch
 *   PUT2     u8 17, item2                      as PUT, in the item2 layout
 *   REPLACE2 u8 19, i64 seq, u16 n, item2 * n  as REPLACE, in the item2 layout
 *   CLOSE    u8 16, utf queue, bool closed     the queue's closed mark set (QUEUE_CLOSE) or cleared
 *                                              (the queue was deleted)
 *   RETIRE   u8 20, i64 seq                    a result item was taken off its done queue; it stays
 *                                              as its task's retained result (state RETIRED) until
 *                                              its finish time plus the result retention
 *   item  := i64 seq, utf queue, u8 kind, u8 state, utf id, opt-utf handler, opt-utf replyTo,
 *            i32 maxAttempts, i64 leaseMs, i32 attempts, i32 crashes, i64 notBefore,
 *            u16 errors, utf * errors, i32 payload length, payload bytes
 *   item2 := the fields of item up to its errors, then u8 priority, opt-utf key,
 *            u8 has-finish, finish if has-finish, i32 payload length, payload bytes
 *   finish := u8 state (TaskState code: DONE, DEAD, CANCELLED), i64 finishedAt (wall ms),
 *            utf task queue, opt-utf handler, opt-utf key, u8 priority, i32 attempts,
 *            i32 maxAttempts, opt-utf error
 * </pre>
 * {@code utf} is Java's modified UTF-8 with a u16 length; {@code opt-utf} is a u8 presence flag
 * then a utf. Item states: 0 READY, 1 DEAD, 2 RETIRED. This release writes PUT2, REPLACE2 and
 * RETIRE and reads all eight, so a journal of the previous release (PUT and REPLACE, whose items
 * read as priority 0 without key) still replays. A finished task's result is written once: in
 * the result item of the REPLACE2 that finished the task; RETIRE only names its seq. Replay
 * tolerates records that name seqs it does not know: a record lost to a full disk may leave a
 * later REMOVE pointing at nothing.
 */
final class JournalRecords {

  static final byte PUT = 1;
  static final byte REMOVE = 2;
  static final byte REPLACE = 3;
  static final byte EPOCH = 4;
  static final byte CLOSE = 16;
  static final byte PUT2 = 17;
  static final byte REPLACE2 = 19;
  static final byte RETIRE = 20;

  /** What replay does with each record. */
  interface Target {
    void put(Item item);

    void remove(long seq);

    /** The result item {@code seq} left its done queue and is kept as a retained result. */
    void retire(long seq);

    void epoch(long epoch);

    /** Queue {@code queue} was closed ({@code closed}), or deleted with its closed mark. */
    void closed(String queue, boolean closed);
  }

  private JournalRecords() {}

  static byte[] put(Item item) {
    RecordBytes out = new RecordBytes(1 + itemSize(item));
    writeItem(out.u8(PUT2), item);
    return out.done();
  }

  /** A PUT of an item captured for a snapshot: the same bytes as {@link #put(Item)} of that item then. */
  static byte[] put(Snapshotter.LiveItem item) {
    RecordBytes out = new RecordBytes(1 + itemSize(item.queue(), item.id(), item.handler(), item.replyTo(), item.errors(),
        item.key(), item.finish(), item.payload()));
    writeItem(out.u8(PUT2), item.seq(), item.queue(), item.kind(), item.state(), item.id(), item.handler(), item.replyTo(),
        item.maxAttempts(), item.leaseMs(), item.attempts(), item.crashes(), item.notBefore(), item.errors(), item.priority(),
        item.key(), item.finish(), item.payload());
    return out.done();
  }

  static byte[] remove(long seq) {
    return new RecordBytes(9).u8(REMOVE).i64(seq).done();
  }

  static byte[] replace(long seq, List<Item> items) {
    int size = 1 + 8 + 2;
    for (Item i : items) {
      size += itemSize(i);
    }
    RecordBytes out = new RecordBytes(size).u8(REPLACE2).i64(seq).i16(items.size());
    for (Item i : items) {
      writeItem(out, i);
    }
    return out.done();
  }

  static byte[] retire(long seq) {
    return new RecordBytes(9).u8(RETIRE).i64(seq).done();
  }

  static byte[] epoch(long epoch) {
    return new RecordBytes(9).u8(EPOCH).i64(epoch).done();
  }

  static byte[] close(String queue, boolean closed) {
    return new RecordBytes(1 + RecordBytes.utfSize(queue) + 1).u8(CLOSE).utf(queue).bool(closed).done();
  }

  /** Applies one record to {@code target}. */
  static void replay(byte[] record, Target target) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
    byte type = in.readByte();
    switch (type) {
      case PUT -> target.put(readItem(in, false));
      case PUT2 -> target.put(readItem(in, true));
      case REMOVE -> target.remove(in.readLong());
      case RETIRE -> target.retire(in.readLong());
      case REPLACE, REPLACE2 -> {
        target.remove(in.readLong());
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
          target.put(readItem(in, type == REPLACE2));
        }
      }
      case EPOCH -> target.epoch(in.readLong());
      case CLOSE -> target.closed(in.readUTF(), in.readBoolean());
      default -> throw new IOException("unknown journal record type " + type);
    }
  }

  /** Errors longer than this are cut, so every string fits its u16 length. */
  private static final int MAX_ERROR_CHARS = 4000;

  private static int itemSize(Item i) {
    return itemSize(i.queue, i.id, i.handler, i.replyTo, i.errors, i.key, i.finish, i.payload);
  }

  private static int itemSize(String queue, String id, String handler, String replyTo, List<String> errors, String key,
      Finish finish, Payload payload) {
    int size = 8 + RecordBytes.utfSize(queue) + 1 + 1 + RecordBytes.utfSize(id) + optionalSize(handler)
        + optionalSize(replyTo) + 4 + 8 + 4 + 4 + 8 + 2;
    for (String e : errors) {
      size += RecordBytes.utfSize(capped(e));
    }
    size += 1 + optionalSize(key) + 1;
    if (finish != null) {
      size += 1 + 8 + RecordBytes.utfSize(finish.queue()) + optionalSize(finish.handler()) + optionalSize(finish.key()) + 1 + 4 + 4
          + optionalSize(cappedOrNull(finish.error()));
    }
    return size + 4 + payload.length();
  }

  private static String cappedOrNull(String error) {
    return error == null ? null : capped(error);
  }

  private static int optionalSize(String s) {
    return s == null ? 1 : 1 + RecordBytes.utfSize(s);
  }

  private static String capped(String error) {
    return error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error;
  }

  private static void writeItem(RecordBytes out, Item i) {
    writeItem(out, i.seq, i.queue, i.kind, i.state, i.id, i.handler, i.replyTo, i.maxAttempts, i.leaseMs, i.attempts,
        i.crashes, i.notBefore, i.errors, i.priority, i.key, i.finish, i.payload);
  }

  /** The item's fields one by one, so a live {@link Item} and a captured one encode alike. */
  private static void writeItem(RecordBytes out, long seq, String queue, ItemKind kind, Item.State state, String id,
      String handler, String replyTo, int maxAttempts, long leaseMs, int attempts, int crashes, long notBefore,
      List<String> errors, int priority, String key, Finish finish, Payload payload) {
    out.i64(seq).utf(queue).u8(kind.ordinal()).u8(state.ordinal()).utf(id);
    writeOptional(out, handler);
    writeOptional(out, replyTo);
    out.i32(maxAttempts).i64(leaseMs).i32(attempts).i32(crashes).i64(notBefore).i16(errors.size());
    for (String e : errors) {
      out.utf(capped(e));
    }
    out.u8(priority);
    writeOptional(out, key);
    out.bool(finish != null);
    if (finish != null) {
      out.u8(finish.state().code()).i64(finish.finishedAt()).utf(finish.queue());
      writeOptional(out, finish.handler());
      writeOptional(out, finish.key());
      out.u8(finish.priority()).i32(finish.attempts()).i32(finish.maxAttempts());
      writeOptional(out, cappedOrNull(finish.error()));
    }
    out.i32(payload.length()).raw(payload.bytes());
  }

  /** One item; {@code v2} for the item2 layout of PUT2 and REPLACE2. */
  private static Item readItem(DataInputStream in, boolean v2) throws IOException {
    long seq = in.readLong();
    String queue = in.readUTF();
    ItemKind kind = ItemKind.values()[in.readUnsignedByte()];
    Item.State state = Item.State.values()[in.readUnsignedByte()];
    String id = in.readUTF();
    String handler = readOptional(in);
    String replyTo = readOptional(in);
    int maxAttempts = in.readInt();
    long leaseMs = in.readLong();
    int attempts = in.readInt();
    int crashes = in.readInt();
    long notBefore = in.readLong();
    int nErrors = in.readUnsignedShort();
    List<String> errors = new ArrayList<>(nErrors);
    for (int k = 0; k < nErrors; k++) {
      errors.add(in.readUTF());
    }
    int priority = 0;
    String key = null;
    Finish finish = null;
    if (v2) {
      priority = in.readUnsignedByte();
      if (priority > Put.MAX_PRIORITY) {
        throw new IOException("item " + seq + " has priority " + priority + ", above " + Put.MAX_PRIORITY);
      }
      key = readOptional(in);
      if (in.readBoolean()) {
        finish = new Finish(TaskState.ofCode(in.readUnsignedByte()), in.readLong(), in.readUTF(), readOptional(in),
            readOptional(in), in.readUnsignedByte(), in.readInt(), in.readInt(), readOptional(in));
      }
    }
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("item " + seq + " announces a payload of " + length + " bytes, " + in.available() + " remain");
    }
    byte[] payload = in.readNBytes(length);
    Item item = new Item(seq, id, queue, kind, handler, replyTo, maxAttempts, leaseMs, Payload.wrap(payload));
    item.state = state;
    item.attempts = attempts;
    item.crashes = crashes;
    item.notBefore = notBefore;
    item.errors = List.copyOf(errors);
    item.priority = priority;
    item.key = key;
    item.finish = finish;
    return item;
  }

  private static void writeOptional(RecordBytes out, String s) {
    out.bool(s != null);
    if (s != null) {
      out.utf(s);
    }
  }

  private static String readOptional(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
