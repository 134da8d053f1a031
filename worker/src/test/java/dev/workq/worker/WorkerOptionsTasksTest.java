package dev.workq.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.worker.api.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker options a pool's child uses to offer the program's tasks, checked as they are set and used when the worker is made. */
class WorkerOptionsTasksTest {

  @Task("opts.triple")
  static int triple(int x) {
    return 3 * x;
  }

  static int plain(int x) {
    return x;
  }

  @Test
  void aWorkerOffersItsTaskPathsTasksAndThoseRegisteredByName(@TempDir Path tmp) throws Exception {
    // A directory of compiled classes, as a pool's child has the program's on its classpath.
    Path dir = Files.createDirectories(tmp.resolve("classes"));
    Path source = Files.writeString(tmp.resolve("Tri.java"),
        "package t; public class Tri { @dev.workq.worker.api.Task(\"t.tri\") static int tri(int x) { return 3 * x; } }");
    int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-d", dir.toString(), "-classpath", System.getProperty("java.class.path"), source.toString());
    assertEquals(0, javac);
    WorkerOptions options = WorkerOptions.builder()
        .taskPath(List.of(dir))
        .tasks(Map.of("opts.plain", WorkerOptionsTasksTest.class.getName() + "#plain"))
        .build();
    assertEquals(List.of(dir), options.taskPath());
    List<String> names = new Worker(options).handlers();
    assertTrue(names.containsAll(List.of("t.tri", "t.tri:chunk", "opts.plain", "opts.plain:chunk")), names.toString());
    assertFalse(names.contains("opts.triple"), "the test classes are not on the task path: " + names);
  }

  @Test
  void badTaskOptionsAreRefusedNamingThem() {
    assertEquals("task 'x': 'NoHash' is not of the form binary.ClassName#method",
        assertThrows(IllegalArgumentException.class, () -> WorkerOptions.builder().tasks(Map.of("x", "NoHash"))).getMessage());
    assertEquals("task 'x': 'a.B#' is not of the form binary.ClassName#method",
        assertThrows(IllegalArgumentException.class, () -> WorkerOptions.builder().tasks(Map.of("x", "a.B#"))).getMessage());
    assertEquals("task name 'a:b' may not contain ':'",
        assertThrows(IllegalArgumentException.class, () -> WorkerOptions.builder().tasks(Map.of("a:b", "a.B#c"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerOptions.builder().tasks(Map.of("a b", "a.B#c")))
        .getMessage().startsWith("task name: 'a b' has a character outside"));
    List<Path> withNull = new ArrayList<>(Arrays.asList(Path.of("a"), null));
    assertEquals("taskPath must be a list of paths, got [a, null]",
        assertThrows(IllegalArgumentException.class, () -> WorkerOptions.builder().taskPath(withNull)).getMessage());
    WorkerException e = assertThrows(WorkerException.class, () -> new Worker(WorkerOptions.builder()
        .tasks(Map.of("x", WorkerOptionsTasksTest.class.getName() + "#missing")).build()));
    assertEquals("task 'x': " + WorkerOptionsTasksTest.class.getName() + ".missing does not exist", e.getMessage());
  }
}
