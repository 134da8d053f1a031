package dev.workq.server.internal.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The journal's record writer writes what DataOutputStream wrote, so records on disk keep their bytes. */
class RecordBytesTest {

  private static final char[] ALPHABET = {'a', 'Z', '0', ':', '\u0000', '\u007f', '\u0080', '\u00e9', '\u07ff', '\u0800',
      '\u20ac', '\ud83d', '\ude00', '\uffff', '\n'};

  @Test
  void writesTheBytesOfDataOutputStreamForSeededRandomFields() throws IOException {
    Random random = new Random(20261202);
    for (int round = 0; round < 2000; round++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(40);
      for (int i = 0; i < n; i++) {
        sb.append(random.nextBoolean() ? (char) ('a' + random.nextInt(26)) : ALPHABET[random.nextInt(ALPHABET.length)]);
      }
      String s = sb.toString();
      long l = random.nextLong();
      int i = random.nextInt();
      byte[] raw = new byte[random.nextInt(8)];
      random.nextBytes(raw);

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(expected)) {
        out.writeByte(7);
        out.writeUTF(s);
        out.writeLong(l);
        out.writeInt(i);
        out.writeShort(i);
        out.writeBoolean(i > 0);
        out.write(raw);
      }
      int size = 1 + RecordBytes.utfSize(s) + 8 + 4 + 2 + 1 + raw.length;
      byte[] actual = new RecordBytes(size).u8(7).utf(s).i64(l).i32(i).i16(i).bool(i > 0).raw(raw).done();
      assertArrayEquals(expected.toByteArray(), actual, "fields with string " + s.chars().mapToObj(Integer::toHexString).toList());
    }
  }

  @Test
  void aRecordMustBeWrittenToTheSizeItWasCountedAt() {
    assertThrows(IllegalStateException.class, () -> new RecordBytes(9).u8(1).done());
    assertEquals(2 + 3, RecordBytes.utfSize("\u20ac"));
    assertEquals(2 + 2, RecordBytes.utfSize("\u0000"));
  }
}
