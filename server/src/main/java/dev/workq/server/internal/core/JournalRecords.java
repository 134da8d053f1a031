package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.Payload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's journal records: the state changes the core makes, in a compact binary form. The
 * journal itself only frames and checksums them. Records:
 * <pre>
 *   PUT     u8 1, item                      add an item, or overwrite the item with the same seq
 *   REMOVE  u8 2, i64 seq                   the item is gone (acked, completed, purged)
 *   REPLACE u8 3, i64 seq, u16 n, item * n  atomically: remove seq, add the n items
 *   EPOCH   u8 4, i64 epoch                 a broker run started; lease tokens carry the epoch
 *   item := i64 seq, utf queue, u8 kind, u8 state, utf id, opt-utf handler, opt-utf replyTo,
 *           i32 maxAttempts, i64 leaseMs, i32 attempts, i32 crashes, i64 notBefore,
 *           u16 errors, utf * errors, i32 payload length, payload bytes
 * </pre>
 * {@code utf} is Java's modified UTF-8 with a u16 length; {@code opt-utf} is a u8 presence flag
 * then a utf. Replay tolerates records that name seqs it does not know: a record lost to a full
 * disk may leave a later REMOVE pointing at nothing.
 */
final class JournalRecords {

  static final byte PUT = 1;
  static final byte REMOVE = 2;
  static final byte REPLACE = 3;
  static final byte EPOCH = 4;

  /** What replay does with each record. */
  interface Target {
    void put(Item item);

    void remove(long seq);

    void epoch(long epoch);
  }

  private JournalRecords() {}

  static byte[] put(Item item) {
    return write(out -> {
      out.writeByte(PUT);
      writeItem(out, item);
    }, item.payload.length());
  }

  /** A PUT of an item captured for a snapshot: the same bytes as {@link #put(Item)} of that item then. */
  static byte[] put(Snapshotter.LiveItem item) {
    return write(out -> {
      out.writeByte(PUT);
      writeItem(out, item.seq(), item.queue(), item.kind(), item.state(), item.id(), item.handler(), item.replyTo(),
          item.maxAttempts(), item.leaseMs(), item.attempts(), item.crashes(), item.notBefore(), item.errors(), item.payload());
    }, item.payload().length());
  }

  static byte[] remove(long seq) {
    return write(out -> {
      out.writeByte(REMOVE);
      out.writeLong(seq);
    }, 0);
  }

  static byte[] replace(long seq, List<Item> items) {
    int size = items.stream().mapToInt(i -> i.payload.length()).sum();
    return write(out -> {
      out.writeByte(REPLACE);
      out.writeLong(seq);
      out.writeShort(items.size());
      for (Item i : items) {
        writeItem(out, i);
      }
    }, size);
  }

  static byte[] epoch(long epoch) {
    return write(out -> {
      out.writeByte(EPOCH);
      out.writeLong(epoch);
    }, 0);
  }

  /** Applies one record to {@code target}. */
  static void replay(byte[] record, Target target) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
    byte type = in.readByte();
    switch (type) {
      case PUT -> target.put(readItem(in));
      case REMOVE -> target.remove(in.readLong());
      case REPLACE -> {
        target.remove(in.readLong());
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
          target.put(readItem(in));
        }
      }
      case EPOCH -> target.epoch(in.readLong());
      default -> throw new IOException("unknown journal record type " + type);
    }
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer w, int payloadBytes) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(96 + payloadBytes);
    try (DataOutputStream out = new DataOutputStream(buf)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static void writeItem(DataOutputStream out, Item i) throws IOException {
    writeItem(out, i.seq, i.queue, i.kind, i.state, i.id, i.handler, i.replyTo, i.maxAttempts, i.leaseMs, i.attempts,
        i.crashes, i.notBefore, i.errors, i.payload);
  }

  /** The item's fields one by one, so a live {@link Item} and a captured one encode alike. */
  private static void writeItem(DataOutputStream out, long seq, String queue, ItemKind kind, Item.State state, String id,
      String handler, String replyTo, int maxAttempts, long leaseMs, int attempts, int crashes, long notBefore,
      List<String> errors, Payload payload) throws IOException {
    out.writeLong(seq);
    out.writeUTF(queue);
    out.writeByte(kind.ordinal());
    out.writeByte(state.ordinal());
    out.writeUTF(id);
    writeOptional(out, handler);
    writeOptional(out, replyTo);
    out.writeInt(maxAttempts);
    out.writeLong(leaseMs);
    out.writeInt(attempts);
    out.writeInt(crashes);
    out.writeLong(notBefore);
    out.writeShort(errors.size());
    for (String e : errors) {
      // writeUTF takes at most 65535 bytes; errors are capped far below that.
      out.writeUTF(e.length() > 4000 ? e.substring(0, 4000) : e);
    }
    out.writeInt(payload.length());
    out.write(payload.bytes());
  }

  private static Item readItem(DataInputStream in) throws IOException {
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
    return item;
  }

  private static void writeOptional(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String readOptional(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
