package dev.workq.worker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.TaskResult;
import dev.workq.worker.HandlerJarException;
import dev.workq.worker.WorkerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks found on a task path and in handler jars by their annotation, and tasks registered by name. */
class TaskScannerTest {

  private static final String PI = """
      package t;
      import dev.workq.worker.api.Task;
      public class Pi {
        public record Range(long from, long to) {}
        @Task("pi.partial")
        static double partial(Range r) { return r.to() - r.from(); }
        @Task
        static int twice(int x) { return 2 * x; }
        static int notATask(int x) { return x; }
      }
      """;

  private static final String WORD_COUNT = """
      package t;
      import dev.workq.worker.api.*;
      @Task("wc")
      public class WordCount implements TaskHandler<String, Integer> {
        public Class<String> inputType() { return String.class; }
        public Integer handle(String in, TaskContext c) { return in.split(" ").length; }
      }
      """;

  @TempDir
  Path tmp;

  private Path compile(Map<String, String> sources) throws IOException {
    return TestSources.compile(tmp.resolve("classes"), sources);
  }

  private static TaskResult run(HandlerRegistry registry, String handler, String json) {
    TaskRunner runner = new TaskRunner(registry, "w:1");
    return runner.execute(new TaskRunner.Task("t1", "q", handler, 1, json.getBytes(StandardCharsets.UTF_8))).result();
  }

  @Test
  void findsTaskMethodsAndClassesOnTheTaskPathEachWithItsChunk() throws IOException {
    Path dir = compile(Map.of("t/Pi.java", PI, "t/WordCount.java", WORD_COUNT));
    HandlerRegistry registry = HandlerRegistry.load(List.of(), List.of(dir), Map.of(), false);
    List<String> names = registry.names();
    for (String n : List.of("pi.partial", "pi.partial:chunk", "Pi.twice", "Pi.twice:chunk", "wc", "wc:chunk")) {
      assertTrue(names.contains(n), n + " in " + names);
    }
    assertFalse(names.stream().anyMatch(n -> n.contains("notATask")), names.toString());
    assertTrue(names.contains("echo"), "the classpath's services are still there: " + names);
    assertEquals("500.0", run(registry, "pi.partial", "{\"from\":500,\"to\":1000}").value().toString());
    assertEquals("[{\"ok\":true,\"value\":2},{\"ok\":true,\"value\":8}]", run(registry, "Pi.twice:chunk", "[1,4]").value().toString());
    assertEquals("3", run(registry, "wc", "\"a b c\"").value().toString());
    assertEquals("[{\"ok\":true,\"value\":2}]", run(registry, "wc:chunk", "[\"a b\"]").value().toString());
  }

  @Test
  void aNonStaticTaskMethodIsRefusedNamingIt() throws IOException {
    Path dir = compile(Map.of("t/Bad.java", """
        package t;
        public class Bad { @dev.workq.worker.api.Task int run(int x) { return x; } }
        """));
    WorkerException e = assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(dir), Map.of(), false));
    assertEquals("t.Bad.run is marked @Task but is not static: a task method must be static", e.getMessage());
  }

  @Test
  void aTaskClassThatIsNotAHandlerIsRefusedNamingIt() throws IOException {
    Path dir = compile(Map.of("t/Plain.java", "package t; @dev.workq.worker.api.Task(\"p\") public class Plain {}"));
    WorkerException e = assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(dir), Map.of(), false));
    assertEquals("t.Plain is marked @Task but does not implement dev.workq.worker.api.TaskHandler", e.getMessage());
  }

  @Test
  void aTaskClassWithoutANameIsRefusedInOneLine() throws IOException {
    Path dir = compile(Map.of("t/Nameless.java", """
        package t;
        import dev.workq.worker.api.*;
        @Task public class Nameless implements TaskHandler<String, String> {
          public Class<String> inputType() { return String.class; }
          public String handle(String in, TaskContext c) { return in; }
        }
        """));
    WorkerException e = assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(dir), Map.of(), false));
    assertEquals("t.Nameless has no name: mark the class @Task(\"name\") or override name()", e.getMessage());
  }

  @Test
  void aBadTaskNameIsRefusedNamingTheMethod() throws IOException {
    Path dir = compile(Map.of("t/Named.java", "package t; public class Named { @dev.workq.worker.api.Task(\"a b\") static int f() { return 1; } }"));
    WorkerException e = assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(dir), Map.of(), false));
    assertTrue(e.getMessage().startsWith("task t.Named.f has an invalid name: "), e.getMessage());
    Path colon = compile(Map.of("t/Colon.java", "package t; public class Colon { @dev.workq.worker.api.Task(\"a:b\") static int f() { return 1; } }"));
    e = assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(colon), Map.of(), false));
    assertEquals("task t.Colon.f has the name 'a:b': a task name may not contain ':'", e.getMessage());
  }

  @Test
  void twoTasksWithOneNameAreRefusedNamingBoth() throws IOException {
    Path dir = compile(Map.of(
        "a/A.java", "package a; public class A { @dev.workq.worker.api.Task(\"same\") static int f() { return 1; } }",
        "b/B.java", "package b; public class B { @dev.workq.worker.api.Task(\"same\") static int g() { return 2; } }"));
    WorkerException e = assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(dir), Map.of(), false));
    assertTrue(e.getMessage().startsWith("two handlers are named 'same"), e.getMessage());
    assertTrue(e.getMessage().contains("a.A.f") && e.getMessage().contains("b.B.g"), e.getMessage());
  }

  @Test
  void aTaskNamedLikeABuiltInHandlerIsRefused() throws IOException {
    Path dir = compile(Map.of("t/Echo.java", "package t; public class Echo { @dev.workq.worker.api.Task(\"echo\") static int f() { return 1; } }"));
    WorkerException e = assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(dir), Map.of(), false));
    assertEquals("two handlers are named 'echo': dev.workq.worker.handlers.EchoHandler and t.Echo.f", e.getMessage());
  }

  @Test
  void aMissingTaskPathEntryIsRefused() {
    Path missing = tmp.resolve("nope");
    WorkerException e = assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(missing), Map.of(), false));
    assertEquals("task path entry " + missing + " does not exist", e.getMessage());
  }

  @Test
  void aStaticMethodRegisteredByNameRunsWithoutTheAnnotation() throws IOException {
    Path dir = compile(Map.of("t/Pi.java", PI));
    HandlerRegistry registry = HandlerRegistry.load(List.of(), List.of(dir), Map.of("same.as.x", "t.Pi#notATask", "double", "t.Pi#twice"), false);
    assertTrue(registry.names().containsAll(List.of("same.as.x", "same.as.x:chunk", "double", "double:chunk", "Pi.twice")), registry.names().toString());
    assertEquals("7", run(registry, "same.as.x", "7").value().toString());
    assertEquals("14", run(registry, "double", "7").value().toString());
  }

  @Test
  void aTaskRegisteredByNameMustExistAndBeStatic() throws IOException {
    Path dir = compile(Map.of("t/Pi.java", PI, "t/Inst.java", "package t; public class Inst { int f(int x) { return x; } }"));
    assertEquals("task 'x': t.Pi.nothing does not exist", refused(dir, "t.Pi#nothing"));
    assertEquals("task 'x': t.Inst.f is not static: a task method must be static", refused(dir, "t.Inst#f"));
    assertEquals("task 'x': no class t.Nowhere on this worker's classpath", refused(dir, "t.Nowhere#f"));
  }

  private static String refused(Path dir, String spec) {
    return assertThrows(WorkerException.class, () -> HandlerRegistry.load(List.of(), List.of(dir), Map.of("x", spec), false)).getMessage();
  }

  @Test
  void aHandlerJarWithOnlyTaskMethodsIsAccepted() throws IOException {
    Path jar = TestSources.jar(compile(Map.of("t/Pi.java", PI)), tmp.resolve("tasks.jar"), Map.of());
    HandlerRegistry registry = HandlerRegistry.load(List.of(jar), false);
    assertTrue(registry.names().containsAll(List.of("pi.partial", "pi.partial:chunk", "Pi.twice")), registry.names().toString());
    assertEquals("10", run(registry, "Pi.twice", "5").value().toString());
  }

  @Test
  void aHandlerJarWithNeitherServicesNorTasksIsRefusedInOneLine() throws IOException {
    Path dir = compile(Map.of("t/Inst.java", "package t; public class Inst { static int f(int x) { return x; } }"));
    Path jar = TestSources.jar(dir, tmp.resolve("empty.jar"), Map.of());
    HandlerJarException e = assertThrows(HandlerJarException.class, () -> HandlerRegistry.load(List.of(jar), false));
    assertEquals("handler jar " + jar + " offers no handler: it has no " + HandlerRegistry.SERVICES
        + ", and no @Task class or method", e.getMessage());
    Path listsNone = TestSources.jar(dir, tmp.resolve("none.jar"), Map.of(HandlerRegistry.SERVICES, "# nothing here\n"));
    e = assertThrows(HandlerJarException.class, () -> HandlerRegistry.load(List.of(listsNone), false));
    assertEquals("handler jar " + listsNone + " offers no handler: its " + HandlerRegistry.SERVICES
        + " lists none, and no @Task class or method", e.getMessage());
  }
}
