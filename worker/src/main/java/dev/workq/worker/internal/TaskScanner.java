package dev.workq.worker.internal;

import dev.workq.worker.WorkerException;
import dev.workq.worker.api.Task;
import dev.workq.worker.api.TaskHandler;
import dev.workq.worker.tasks.TaskMethods;
import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ScanResult;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the {@link Task} methods and classes in given classpath entries (directories and jars) by
 * reading their class files with ClassGraph, so no class is loaded unless it holds a task; then
 * loads those with the worker's class loader and makes their handlers (a method task and its
 * {@code :chunk} handler, a task class and its chunk). The third-party packages shipped inside
 * workq's own jar are not read: they hold no tasks, and skipping them keeps the scan short.
 */
final class TaskScanner {

  /** Packages of the libraries shipped with workq: never scanned. */
  static final List<String> REJECTED = List.of("io.netty", "com.fasterxml", "org.slf4j", "picocli",
      "org.bouncycastle", "io.micrometer", "org.HdrHistogram", "me.tongfei", "org.jline", "io.github.classgraph",
      "nonapi", "org.awaitility", "org.junit", "org.hamcrest", "org.opentest4j", "org.apiguardian");

  private TaskScanner() {}

  /**
   * The tasks defined in {@code entries}, loaded with {@code loader} (which must see the entries).
   *
   * @throws WorkerException one line naming the class or method, for a {@code @Task} method that is
   *     not static, a {@code @Task} class that is not a usable {@link TaskHandler}, a bad name, or a
   *     class that will not load
   */
  static List<Registration> scan(List<Path> entries, ClassLoader loader) {
    List<Registration> found = new ArrayList<>();
    if (entries.isEmpty()) {
      return found;
    }
    String task = Task.class.getName();
    try (ScanResult scan = new ClassGraph()
        .overrideClasspath(entries)
        .enableClassInfo().enableMethodInfo().enableAnnotationInfo()
        // Tasks are often package-private methods of a program's main class.
        .ignoreClassVisibility().ignoreMethodVisibility()
        .rejectPackages(REJECTED.toArray(String[]::new))
        .scan()) {
      for (ClassInfo info : scan.getClassesWithMethodAnnotation(task)) {
        Class<?> c = load(info, loader);
        for (Method m : c.getDeclaredMethods()) {
          if (m.isAnnotationPresent(Task.class) && !m.isSynthetic() && !m.isBridge()) {
            found.addAll(Registration.withChunk(method(m), TaskMethods.describe(m), info.getClasspathElementFile().toPath()));
          }
        }
      }
      for (ClassInfo info : scan.getClassesWithAnnotation(task)) {
        if (info.isAnnotation()) {
          continue;
        }
        Class<?> c = load(info, loader);
        found.addAll(Registration.withChunk(handler(c), c.getName(), info.getClasspathElementFile().toPath()));
      }
    }
    return found;
  }

  private static MethodTask method(Method m) {
    String name;
    try {
      name = TaskMethods.nameOf(m);
    } catch (IllegalArgumentException e) {
      throw new WorkerException(e.getMessage());
    }
    return MethodTask.of(name, m);
  }

  /** A new instance of the task class {@code c}, checked as {@link TaskMethods#nameOf(Class)} checks it. */
  private static TaskHandler<?, ?> handler(Class<?> c) {
    String name;
    try {
      name = TaskMethods.nameOf(c);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new WorkerException(Failures.firstLine(e.getMessage()));
    }
    Task task = c.getAnnotation(Task.class);
    if (task.attempts() < 1 || task.attempts() > 1000) {
      throw new WorkerException("task class " + c.getName() + " has @Task(attempts = " + task.attempts() + "): attempts must be 1..1000");
    }
    TaskHandler<?, ?> h;
    try {
      Constructor<?> constructor = c.getConstructor();
      h = (TaskHandler<?, ?>) constructor.newInstance();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new WorkerException("task class " + c.getName() + " cannot be made: " + Failures.describe(e));
    }
    if (!name.equals(h.name())) {
      throw new WorkerException("task class " + c.getName() + " is marked @Task(\"" + name + "\") but its name() says '" + h.name() + "'");
    }
    return h;
  }

  private static Class<?> load(ClassInfo info, ClassLoader loader) {
    try {
      return Class.forName(info.getName(), false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new WorkerException("cannot load task class " + info.getName() + " from " + info.getClasspathElementFile() + ": "
          + Failures.describe(e));
    }
  }
}
