package dev.workq.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java snippet compiles and runs against a real broker and worker process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadmeSnippetTest {

  @Test
  void readmeJavaSnippetCompilesAndRuns(@TempDir Path tmp) throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
    // The client snippet: the README's Java block that connects to a broker itself (the pool
    // example before it is examples/Pi.java, which ReadmeExamplesTest checks).
    Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
    String snippet = null;
    while (snippet == null && m.find()) {
      snippet = m.group(1).contains("WorkqClient.connect(\"127.0.0.1:7070\")") ? m.group(1) : null;
    }
    assertTrue(snippet != null, "README.md has no java snippet that connects to 127.0.0.1:7070");
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : snippet.split("\n")) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).build());
        WorkerProcesses workers = new WorkerProcesses()) {
      String address = "127.0.0.1:" + broker.port();
      Process worker = workers.start(address, "--queue", "tasks", "--concurrency", "1");
      await().atMost(Duration.ofSeconds(60)).until(() -> broker.stats().workers().size() == 1);
      String source = imports + "public class Snippet {\n  public static void main(String[] args) throws Exception {\n"
          + body.toString().replace("127.0.0.1:7070", address) + "  }\n}\n";
      Path src = tmp.resolve("Snippet.java");
      Files.writeString(src, source);
      int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d", tmp.toString(),
          "-cp", System.getProperty("java.class.path"), src.toString());
      assertEquals(0, rc, "README snippet does not compile:\n" + source);
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream old = System.out;
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {tmp.toUri().toURL()}, getClass().getClassLoader())) {
        loader.loadClass("Snippet").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
      } finally {
        System.setOut(old);
      }
      String out = captured.toString(StandardCharsets.UTF_8);
      assertTrue(out.startsWith("3.14159265358979"), out);
      assertTrue(out.contains("from "), out);
      assertTrue(out.contains("{hello=world}"), out);
      assertEquals(0, workers.awaitExit(worker, 30), workers.log(worker));
    }
  }
}
