package dev.workq.bench.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * FSYNC: the disk's own fsync latency, measured in the same session as the systems, so that the
 * durable latency target compares workq with what this disk could do at that time rather than
 * with a fixed number. Appends {@link #RECORD_BYTES} bytes to a file in the output directory and
 * forces it ({@code FileChannel.force(false)}, an fdatasync, what a journal's group commit does),
 * one after another, for {@code count} appends or {@code limit}, whichever comes first; the file
 * is deleted afterwards. The row reports fsyncs/s and each fsync's latency (append + force).
 */
public final class DiskProbe {

  /** The row's system label; {@link dev.workq.bench.report.Targets} looks it up by this. */
  public static final String SYSTEM = "disk fsync";

  /** The row's workload label. */
  public static final String WORKLOAD = "FSYNC";

  /** Bytes per append: about one small task's journal record. */
  public static final int RECORD_BYTES = 128;

  private DiskProbe() {}

  /** Runs the probe in {@code dir} (created if missing). */
  public static WorkloadResult run(Path dir, int count, Duration limit) throws IOException {
    Files.createDirectories(dir);
    Path file = Files.createTempFile(dir, "fsync-probe-", ".dat");
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    byte[] record = new byte[RECORD_BYTES];
    Arrays.fill(record, (byte) 'x');
    record[RECORD_BYTES - 1] = '\n';
    ByteBuffer buf = ByteBuffer.wrap(record);
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    int done = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      while (done < count && System.nanoTime() < deadline) {
        long t0 = System.nanoTime();
        buf.rewind();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
        h.recordValue(Math.min(System.nanoTime() - t0, h.getHighestTrackableValue()));
        done++;
      }
    } finally {
      Files.deleteIfExists(file);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String note = done < count ? "stopped after " + limit.toSeconds() + " s" : "";
    return new WorkloadResult(SYSTEM, WORKLOAD, RECORD_BYTES, done, 0, seconds > 0 ? done / seconds : 0,
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0, 0, 0, 0, seconds, note);
  }
}
