package dev.workq.server.internal.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;

/** Shared helpers for the journal tests: record generation, bounded waits, replay and file access. */
final class JournalTestSupport {

  static final long WAIT_SECONDS = 20;

  private JournalTestSupport() {
  }

  static JournalOptions.Builder options(Path dir) {
    return JournalOptions.builder().dataDir(dir);
  }

  /** A record whose content names its index, padded with seeded random bytes to a random length. */
  static byte[] record(Random random, int index) {
    byte[] prefix = ("record-" + index + ":").getBytes(StandardCharsets.UTF_8);
    byte[] r = new byte[prefix.length + random.nextInt(200)];
    random.nextBytes(r);
    System.arraycopy(prefix, 0, r, 0, prefix.length);
    return r;
  }

  static List<byte[]> records(long seed, int count) {
    Random random = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(record(random, i));
    }
    return out;
  }

  /** Appends all records and waits (bounded) for every callback; returns each record's error or null. */
  static List<Throwable> appendAll(Journal journal, List<byte[]> records) throws InterruptedException {
    AtomicReferenceArray<Throwable> errors = new AtomicReferenceArray<>(records.size());
    CountDownLatch latch = new CountDownLatch(records.size());
    for (int i = 0; i < records.size(); i++) {
      int index = i;
      journal.append(records.get(i), error -> {
        errors.set(index, error);
        latch.countDown();
      });
    }
    assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "callbacks did not all fire in time");
    List<Throwable> out = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      out.add(errors.get(i));
    }
    return out;
  }

  static void appendAllOk(Journal journal, List<byte[]> records) throws InterruptedException {
    for (Throwable t : appendAll(journal, records)) {
      if (t != null) {
        throw new AssertionError("append failed", t);
      }
    }
  }

  /** Opens the journal at {@code options}, collects the replay, and closes it again. */
  static List<byte[]> replay(JournalOptions options) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (Journal ignored = Journal.open(options, out::add)) {
      return out;
    }
  }

  static List<byte[]> replay(Path dir) throws IOException {
    return replay(options(dir).build());
  }

  static void assertSameRecords(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size(), "record count");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "record " + i);
    }
  }

  static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  static long totalSize(Path dir) throws IOException {
    long total = 0;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        total += Files.size(p);
      }
    }
    return total;
  }

  /** Copies the directory's files as they are now: what a crash of the process would leave. */
  static void copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }

  /** Offset of record {@code index} in a single segment holding {@code records} from its start. */
  static long offsetOf(List<byte[]> records, int index) {
    long offset = JournalFormat.SEGMENT_HEADER_BYTES;
    for (int i = 0; i < index; i++) {
      offset += JournalFormat.RECORD_HEADER_BYTES + records.get(i).length;
    }
    return offset;
  }

  static void flipByte(Path file, long offset) throws IOException {
    byte[] data = Files.readAllBytes(file);
    data[(int) offset] ^= 0x5A;
    Files.write(file, data);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
