package dev.workq.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs {@code workq} in this JVM with System.out and System.err captured around each test, for
 * tests of what a command prints and its exit status. Register with {@code @RegisterExtension}.
 */
final class Console implements BeforeEachCallback, AfterEachCallback {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @Override
  public void beforeEach(ExtensionContext context) {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  /** Runs {@code workq args...} with fresh captures; its exit status. */
  int run(String... args) {
    out.reset();
    err.reset();
    return Workq.run(args);
  }

  /** What the last run printed on stdout. */
  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** What the last run printed on stderr. */
  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
