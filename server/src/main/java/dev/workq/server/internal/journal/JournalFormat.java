package dev.workq.server.internal.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk format of the journal: file names, file headers and record framing. All integers
 * are big-endian and unsigned.
 *
 * <h2>Files in the data directory</h2>
 * <ul>
 *   <li>{@code journal-<seq>.wqj}: a segment, {@code <seq>} being a 20-digit zero-padded decimal
 *       sequence number starting at 1. Segments of a journal have consecutive numbers.</li>
 *   <li>{@code snapshot-<seq>.wqs}: a snapshot covering every segment with a number {@code <= seq};
 *       replaying it alone rebuilds the state those segments described.</li>
 *   <li>Any name ending in {@code .tmp} is an unfinished snapshot; it is deleted at open.</li>
 * </ul>
 * Replay order: the newest complete snapshot {@code S} (if any), then every segment with a
 * number {@code > S} in increasing order; the first of them must be {@code S + 1} (or 1 without a
 * snapshot) and there must be no gap. Segments {@code <= S} and older snapshots are obsolete.
 *
 * <h2>Segment header, {@value #SEGMENT_HEADER_BYTES} bytes</h2>
 * <pre>
 * offset size field
 *      0    4 magic "WQJ1" (0x57 0x51 0x4A 0x31)
 *      4    2 format version, currently 1
 *      6    2 flags, 0 (reserved)
 *      8    8 segment number, equal to the one in the file name
 *     16    4 CRC32C of bytes 0..15
 * </pre>
 *
 * <h2>Snapshot header, {@value #SNAPSHOT_HEADER_BYTES} bytes</h2>
 * <pre>
 * offset size field
 *      0    4 magic "WQS1" (0x57 0x51 0x53 0x31)
 *      4    2 format version, currently 1
 *      6    2 flags, 0 (reserved)
 *      8    8 snapshot number, equal to the one in the file name
 *     16    8 record count
 *     24    8 body length: bytes of records after the header
 *     32    4 CRC32C of bytes 0..31
 * </pre>
 * A snapshot is complete when its size is exactly header + body length; a shorter one was never
 * finished and is skipped (the segments it would replace are still there, since they are only
 * deleted after a complete snapshot is durable).
 *
 * <h2>Record, {@value #RECORD_HEADER_BYTES} + n bytes, following the header back to back</h2>
 * <pre>
 * offset size field
 *      0    4 n, the payload length, at most {@value #MAX_RECORD_BYTES} (64 MiB)
 *      4    4 CRC32C of the 4 length bytes followed by the n payload bytes
 *      8    n payload, opaque to the journal
 * </pre>
 * Covering the length in the CRC means a run of zero bytes never reads as a valid empty record.
 */
final class JournalFormat {

  static final int SEGMENT_HEADER_BYTES = 20;
  static final int SNAPSHOT_HEADER_BYTES = 36;
  static final int RECORD_HEADER_BYTES = 8;
  static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;
  static final short VERSION = 1;

  static final String SEGMENT_PREFIX = "journal-";
  static final String SEGMENT_SUFFIX = ".wqj";
  static final String SNAPSHOT_PREFIX = "snapshot-";
  static final String SNAPSHOT_SUFFIX = ".wqs";
  static final String TEMP_SUFFIX = ".tmp";

  private static final byte[] SEGMENT_MAGIC = "WQJ1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SNAPSHOT_MAGIC = "WQS1".getBytes(StandardCharsets.US_ASCII);
  private static final int SEQ_DIGITS = 20;

  private JournalFormat() {
  }

  static String segmentName(long seq) {
    return SEGMENT_PREFIX + pad(seq) + SEGMENT_SUFFIX;
  }

  static String snapshotName(long seq) {
    return SNAPSHOT_PREFIX + pad(seq) + SNAPSHOT_SUFFIX;
  }

  private static String pad(long seq) {
    String digits = Long.toString(seq);
    return "0".repeat(SEQ_DIGITS - digits.length()) + digits;
  }

  /** @return the number of a segment file, or -1 if {@code file} is not named like one */
  static long segmentSeq(Path file) {
    return parseSeq(file.getFileName().toString(), SEGMENT_PREFIX, SEGMENT_SUFFIX);
  }

  /** @return the number of a snapshot file, or -1 if {@code file} is not named like one */
  static long snapshotSeq(Path file) {
    return parseSeq(file.getFileName().toString(), SNAPSHOT_PREFIX, SNAPSHOT_SUFFIX);
  }

  private static long parseSeq(String name, String prefix, String suffix) {
    if (!name.startsWith(prefix) || !name.endsWith(suffix)
        || name.length() != prefix.length() + SEQ_DIGITS + suffix.length()) {
      return -1;
    }
    String digits = name.substring(prefix.length(), prefix.length() + SEQ_DIGITS);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return -1;
      }
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static ByteBuffer segmentHeader(long seq) {
    ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    b.put(SEGMENT_MAGIC).putShort(VERSION).putShort((short) 0).putLong(seq);
    b.putInt(crc(b.array(), 0, 16));
    return b.flip();
  }

  static ByteBuffer snapshotHeader(long seq, long recordCount, long bodyLength) {
    ByteBuffer b = ByteBuffer.allocate(SNAPSHOT_HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    b.put(SNAPSHOT_MAGIC).putShort(VERSION).putShort((short) 0).putLong(seq)
        .putLong(recordCount).putLong(bodyLength);
    b.putInt(crc(b.array(), 0, 32));
    return b.flip();
  }

  /**
   * Checks a segment header.
   *
   * @throws JournalCorruptedException naming the file if magic, version, flags, CRC or number is wrong
   */
  static void checkSegmentHeader(byte[] h, String file, long expectedSeq) throws JournalCorruptedException {
    checkCommon(h, SEGMENT_MAGIC, 16, file, expectedSeq);
  }

  /**
   * Checks a snapshot header.
   *
   * @return {recordCount, bodyLength}
   * @throws JournalCorruptedException naming the file if magic, version, flags, CRC or number is wrong
   */
  static long[] checkSnapshotHeader(byte[] h, String file, long expectedSeq) throws JournalCorruptedException {
    checkCommon(h, SNAPSHOT_MAGIC, 32, file, expectedSeq);
    ByteBuffer b = ByteBuffer.wrap(h);
    long count = b.getLong(16);
    long body = b.getLong(24);
    if (count < 0 || body < 0) {
      throw new JournalCorruptedException(file + ": bad header: negative record count or body length");
    }
    return new long[] {count, body};
  }

  private static void checkCommon(byte[] h, byte[] magic, int crcAt, String file, long expectedSeq)
      throws JournalCorruptedException {
    for (int i = 0; i < magic.length; i++) {
      if (h[i] != magic[i]) {
        throw new JournalCorruptedException(file + ": unknown file magic 0x" + hex(h, 0, 4)
            + ", expected \"" + new String(magic, StandardCharsets.US_ASCII) + "\"");
      }
    }
    ByteBuffer b = ByteBuffer.wrap(h);
    int version = Short.toUnsignedInt(b.getShort(4));
    if (version != VERSION) {
      throw new JournalCorruptedException(file + ": unsupported format version " + version
          + ", this build reads version " + VERSION);
    }
    if (b.getInt(crcAt) != crc(h, 0, crcAt)) {
      throw new JournalCorruptedException(file + ": corrupt header at offset 0: CRC mismatch");
    }
    if (b.getShort(6) != 0) {
      throw new JournalCorruptedException(file + ": unsupported header flags 0x" + hex(h, 6, 2));
    }
    long seq = b.getLong(8);
    if (seq != expectedSeq) {
      throw new JournalCorruptedException(file + ": header holds number " + seq + " but the name says " + expectedSeq);
    }
  }

  /** @return the record CRC: CRC32C over the 4 big-endian length bytes, then the payload */
  static int recordCrc(int length, byte[] payload, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(length >>> 24);
    crc.update(length >>> 16);
    crc.update(length >>> 8);
    crc.update(length);
    crc.update(payload, offset, length);
    return (int) crc.getValue();
  }

  /**
   * Tells whether a valid record starts at {@code at} in {@code data}. Used to tell a torn tail
   * (only garbage after the bad record) from mid-file corruption (valid records after it).
   */
  static boolean validRecordAt(byte[] data, int at) {
    if (at + RECORD_HEADER_BYTES > data.length) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(data);
    long length = Integer.toUnsignedLong(b.getInt(at));
    if (length > MAX_RECORD_BYTES || at + RECORD_HEADER_BYTES + length > data.length) {
      return false;
    }
    return b.getInt(at + 4) == recordCrc((int) length, data, at + RECORD_HEADER_BYTES);
  }

  private static int crc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }

  private static String hex(byte[] data, int offset, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = offset; i < offset + length; i++) {
      sb.append(String.format("%02x", data[i] & 0xff));
    }
    return sb.toString();
  }
}
