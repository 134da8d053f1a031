package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same pool code against a broker elsewhere ({@code WorkqPool.connect}): the program's jar is
 * deployed to a real {@code workq worker --handlers app.jar}, which finds its {@code @Task}
 * methods by scanning the jar (no services file), and the program's map and its remote
 * exception come back as they do from a local pool.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemotePoolProcessTest {

  private static final String PROGRAM = """
      package remote;

      import dev.workq.pool.TaskFailedException;
      import dev.workq.pool.WorkqPool;
      import dev.workq.worker.api.Task;
      import java.util.List;

      public class Squares {
        @Task("remote.square")
        public static int square(int x) {
          return x * x;
        }

        @Task("remote.fail")
        public static int fail(int x) {
          throw new IllegalStateException("no square for " + x);
        }

        public static void main(String[] args) {
          try (WorkqPool pool = WorkqPool.connect(args[0]).start()) {
            System.out.println("map " + pool.map(Squares::square, List.of(1, 2, 3, 4)));
            try {
              pool.apply(Squares::fail, 7);
            } catch (TaskFailedException e) {
              System.out.println("failed " + e.getCause().getClass().getName() + ": " + e.getCause().getMessage());
            }
          }
        }
      }
      """;

  @TempDir
  Path dir;

  @Test
  void aProgramsMapRunsOnAWorkerThatLoadedItsJar() throws Exception {
    Path classes = dir.resolve("classes");
    Path src = dir.resolve("Squares.java");
    Files.writeString(src, PROGRAM);
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.toString()));
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("remote/Squares.class"));
      Files.copy(classes.resolve("remote/Squares.class"), (OutputStream) out);
      out.closeEntry();
    }
    try (Broker broker = Broker.start(BrokerOptions.builder().host("127.0.0.1").port(0).build());
        WorkerProcesses workers = new WorkerProcesses()) {
      String address = "127.0.0.1:" + broker.port();
      Process worker = workers.start(address, "--queue", "tasks", "--concurrency", "2", "--handlers", jar.toString());
      // A worker names its handlers in its CONSUME, after the HELLO that lists it: wait for them.
      await().atMost(Duration.ofSeconds(60)).until(() -> broker.stats().workers().size() == 1
          && broker.stats().workers().get(0).handlers().containsAll(List.of("remote.square", "remote.square:chunk", "remote.fail")));

      Path out = dir.resolve("out.txt");
      Process program = new ProcessBuilder(WorkerProcesses.javaBinary(), "-cp",
          classes + File.pathSeparator + System.getProperty("java.class.path"), "remote.Squares", address)
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      try {
        assertTrue(program.waitFor(60, TimeUnit.SECONDS), "the program did not end");
      } finally {
        program.destroyForcibly();
      }
      String printed = Files.readString(out);
      assertEquals(0, program.exitValue(), printed);
      assertTrue(printed.contains("map [1, 4, 9, 16]"), printed);
      assertTrue(printed.contains("failed java.lang.IllegalStateException: no square for 7"), printed);
      assertTrue(worker.isAlive(), "a remote pool's close leaves the workers it did not start running");
    }
  }

}
