package dev.workq.server.internal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Reads the framed records of one segment or snapshot file sequentially, checking each length
 * and CRC. It stops at the first bad record and reports where and why, leaving the caller to
 * decide whether that is a torn tail or corruption.
 */
final class RecordFileReader {

  /**
   * The outcome of reading a file's records.
   *
   * @param end       offset just past the last good record
   * @param records   number of good records delivered
   * @param badReason why the record at {@code end} is bad, or null if the file ended cleanly there
   */
  record Scan(long end, long records, String badReason) {
    boolean clean() {
      return badReason == null;
    }
  }

  private RecordFileReader() {
  }

  /**
   * Delivers every good record from {@code start} up to {@code fileSize} to {@code consumer}.
   * The known file size bounds every length, so a garbage length never causes a large allocation.
   */
  static Scan readRecords(InputStream in, long start, long fileSize, RecordConsumer consumer) throws IOException {
    long pos = start;
    long count = 0;
    while (pos < fileSize) {
      long left = fileSize - pos;
      if (left < JournalFormat.RECORD_HEADER_BYTES) {
        return new Scan(pos, count, "incomplete record header, only " + left + " bytes before end of file");
      }
      byte[] header = in.readNBytes(JournalFormat.RECORD_HEADER_BYTES);
      if (header.length < JournalFormat.RECORD_HEADER_BYTES) {
        return new Scan(pos, count, "file ended inside the record header");
      }
      ByteBuffer h = ByteBuffer.wrap(header);
      long length = Integer.toUnsignedLong(h.getInt(0));
      if (length > JournalFormat.MAX_RECORD_BYTES) {
        return new Scan(pos, count, "record length " + length + " exceeds the maximum "
            + JournalFormat.MAX_RECORD_BYTES);
      }
      if (length > left - JournalFormat.RECORD_HEADER_BYTES) {
        return new Scan(pos, count, "record of " + length + " bytes runs past end of file ("
            + (left - JournalFormat.RECORD_HEADER_BYTES) + " bytes left)");
      }
      byte[] payload = in.readNBytes((int) length);
      if (payload.length < length) {
        return new Scan(pos, count, "file ended inside the record payload");
      }
      if (h.getInt(4) != JournalFormat.recordCrc((int) length, payload, 0)) {
        return new Scan(pos, count, "CRC mismatch");
      }
      consumer.accept(payload);
      pos += JournalFormat.RECORD_HEADER_BYTES + length;
      count++;
    }
    return new Scan(pos, count, null);
  }

  /**
   * @return the offset of the first valid record strictly after {@code badOffset} in
   *         {@code tail}, which holds the file from {@code badOffset} to its end; -1 if none
   */
  static long nextValidRecord(byte[] tail, long badOffset) {
    for (int i = 1; i < tail.length; i++) {
      if (JournalFormat.validRecordAt(tail, i)) {
        return badOffset + i;
      }
    }
    return -1;
  }
}
