package dev.workq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Proves the harness works end to end (CI runs this; speed is never asserted here): a real
 * {@code workq broker} and two {@code workq worker} processes running the built-in {@code echo}
 * handler (no handlers jar), a few hundred tasks, every one back exactly once, the disk probe, and
 * the result files written.
 */
class BenchSmokeTest {

  @TempDir
  Path tmp;

  @Test
  @Timeout(90)
  void smokeRunGetsEveryTaskBackExactlyOnceAndWritesTheResults() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path workqJar = root.resolve("cli/target/workq.jar");
    assertTrue(Files.isRegularFile(workqJar), "the reactor builds " + workqJar + " before this module");
    Path out = tmp.resolve("out");
    int exit = new CommandLine(new Bench()).execute("--smoke", "--out", out.toString(), "--workq-jar", workqJar.toString());
    assertEquals(0, exit, "smoke run exit status (non-zero: lost, duplicate or failed tasks, or a start failure)");
    String csv = Files.readString(out.resolve("results.csv"));
    assertTrue(csv.contains("\"workq fsync=always\",RT,100,500,"), csv);
    assertTrue(csv.contains("\"workq fsync=always\",LAT,100,"), csv);
    assertTrue(csv.contains("\"disk fsync\",FSYNC,128,"), csv);
    assertTrue(Files.readString(out.resolve("chart.svg")).startsWith("<svg"));
  }
}
