package dev.workq.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Raft entry bytes: records and leader announcements round-trip, pinned bytes, damage refused. */
class RaftEntriesTest {

  private static final class Collected implements RaftEntries.Visitor {
    final List<byte[]> records = new ArrayList<>();
    String leader;

    @Override
    public void record(byte[] record) {
      records.add(record);
    }

    @Override
    public void leader(String nodeId, String clientAddress) {
      leader = nodeId + "@" + clientAddress;
    }
  }

  @Test
  void recordsRoundTripInOrderWithPinnedBytes() throws IOException {
    List<byte[]> records = List.of(new byte[] {4, 0, 0, 0, 0, 0, 0, 0, 1}, new byte[] {7});
    byte[] entry = RaftEntries.records(records, 10);
    assertArrayEquals(new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 9, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 7}, entry);
    Collected c = new Collected();
    RaftEntries.read(ByteBuffer.wrap(entry), c);
    assertEquals(2, c.records.size());
    assertArrayEquals(records.get(0), c.records.get(0));
    assertArrayEquals(records.get(1), c.records.get(1));
  }

  @Test
  void aLeaderAnnouncementRoundTrips() throws IOException {
    Collected c = new Collected();
    RaftEntries.read(ByteBuffer.wrap(RaftEntries.leader("n2", "10.0.0.2:7070")), c);
    assertEquals("n2@10.0.0.2:7070", c.leader);
  }

  @Test
  void seededRandomBatchesRoundTrip() throws IOException {
    Random random = new Random(15);
    for (int run = 0; run < 200; run++) {
      List<byte[]> records = new ArrayList<>();
      int bytes = 0;
      for (int i = random.nextInt(20); i > 0; i--) {
        byte[] r = new byte[1 + random.nextInt(300)];
        random.nextBytes(r);
        records.add(r);
        bytes += r.length;
      }
      Collected c = new Collected();
      RaftEntries.read(ByteBuffer.wrap(RaftEntries.records(records, bytes)), c);
      assertEquals(records.size(), c.records.size());
      for (int i = 0; i < records.size(); i++) {
        assertArrayEquals(records.get(i), c.records.get(i), "run " + run + " record " + i);
      }
    }
  }

  @Test
  void anUnknownKindOrATruncatedEntryIsAnErrorNotAGuess() {
    IOException unknown = assertThrows(IOException.class, () -> RaftEntries.read(ByteBuffer.wrap(new byte[] {9}), new Collected()));
    assertTrue(unknown.getMessage().contains("unknown workq entry kind 9"), unknown.getMessage());
    byte[] entry = RaftEntries.records(List.of(new byte[] {1, 2, 3}), 3);
    byte[] cut = Arrays.copyOf(entry, entry.length - 1);
    IOException truncated = assertThrows(IOException.class, () -> RaftEntries.read(ByteBuffer.wrap(cut), new Collected()));
    assertTrue(truncated.getMessage().contains("ends inside a field"), truncated.getMessage());
  }
}
