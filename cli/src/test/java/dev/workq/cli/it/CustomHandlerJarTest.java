package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example handler in examples/custom-handler, compiled here outside the project's build
 * against the worker API alone, packed into a jar and run by a worker process given --handlers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CustomHandlerJarTest {

  static final Path EXAMPLE = Path.of(System.getProperty("user.dir")).getParent().resolve("examples/custom-handler");

  @Test
  void handlerJarCompiledOutsideTheProjectRunsOnAWorker(@TempDir Path tmp) throws Exception {
    Path jar = buildExampleJar(tmp);
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).build());
        WorkerProcesses workers = new WorkerProcesses()) {
      String address = "127.0.0.1:" + broker.port();
      workers.start(address, "--handlers", jar.toString(), "--concurrency", "1");
      // A worker names its handlers with its CONSUME, a moment after it is listed.
      await().atMost(Duration.ofSeconds(60)).until(() -> broker.stats().workers().size() == 1
          && !broker.stats().workers().get(0).handlers().isEmpty());
      assertTrue(broker.stats().workers().get(0).handlers().contains("wordcount"), broker.stats().workers().toString());
      try (WorkqClient client = WorkqClient.connect(address)) {
        TaskResult r = client.tasks().submit("tasks", "wordcount", Map.of("text", "the cat and the hat")).get(30, TimeUnit.SECONDS);
        assertTrue(r.ok(), r.error());
        assertEquals(5, r.value().get("words").asInt());
        assertEquals(2, r.value().get("counts").get("the").asInt());
      }
    }
  }

  /** javac on the example's sources with only the worker API's jars on the classpath, then a jar. */
  static Path buildExampleJar(Path tmp) throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    List<String> sources;
    try (Stream<Path> s = Files.walk(EXAMPLE.resolve("src/main/java"))) {
      sources = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
    }
    String apiClasspath = String.join(java.io.File.pathSeparator, Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(e -> e.contains("worker") || e.contains("jackson") || e.contains("client") || e.contains("protocol"))
        .toList());
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-cp", apiClasspath));
    args.addAll(sources);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "example handler did not compile");
    Path jar = tmp.resolve("wordcount-handler.jar");
    Path resources = EXAMPLE.resolve("src/main/resources");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Path root : List.of(classes, resources)) {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
            try (OutputStream o = new NonClosing(out)) {
              Files.copy(f, o);
            }
            out.closeEntry();
          }
        }
      }
    }
    return jar;
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
