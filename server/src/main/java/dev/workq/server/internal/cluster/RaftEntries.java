package dev.workq.server.internal.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes of a workq entry in the Raft log. Two kinds, told apart by the first byte:
 *
 * <pre>
 *   RECORDS  u8 1, u32 count, then count times (u32 length, the journal record's bytes)
 *   LEADER   u8 2, u16 length + UTF-8 node id, u16 length + UTF-8 client address (host:port)
 * </pre>
 *
 * A RECORDS entry carries a batch of the journal's records, applied in order; a LEADER entry is the
 * first a new leader writes, so that every node can send peers to its client address. All
 * integers are big-endian.
 */
final class RaftEntries {

  static final byte RECORDS = 1;
  static final byte LEADER = 2;

  private RaftEntries() {}

  /** Receives what an entry holds. */
  interface Visitor {
    void record(byte[] record) throws IOException;

    void leader(String nodeId, String clientAddress);
  }

  static byte[] records(List<byte[]> records, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + 4 * records.size() + bytes);
    b.put(RECORDS).putInt(records.size());
    for (byte[] r : records) {
      b.putInt(r.length).put(r);
    }
    return b.array();
  }

  static byte[] leader(String nodeId, String clientAddress) {
    byte[] id = nodeId.getBytes(StandardCharsets.UTF_8);
    byte[] address = clientAddress.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 2 + id.length + 2 + address.length);
    b.put(LEADER).putShort((short) id.length).put(id).putShort((short) address.length).put(address);
    return b.array();
  }

  /** @throws IOException if the entry is not one of the two kinds, or ends early */
  static void read(ByteBuffer entry, Visitor visitor) throws IOException {
    try {
      byte kind = entry.get();
      if (kind == RECORDS) {
        int count = entry.getInt();
        for (int i = 0; i < count; i++) {
          byte[] r = new byte[entry.getInt()];
          entry.get(r);
          visitor.record(r);
        }
      } else if (kind == LEADER) {
        visitor.leader(string(entry), string(entry));
      } else {
        throw new IOException("unknown workq entry kind " + kind);
      }
    } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
      throw new IOException("workq entry ends inside a field", e);
    }
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[Short.toUnsignedInt(b.getShort())];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
