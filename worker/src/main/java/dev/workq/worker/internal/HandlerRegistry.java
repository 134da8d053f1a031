package dev.workq.worker.internal;

import dev.workq.worker.HandlerJarException;
import dev.workq.worker.WorkerException;
import dev.workq.worker.WorkerOptions;
import dev.workq.worker.api.TaskHandler;
import dev.workq.protocol.Printable;
import dev.workq.protocol.Validate;
import dev.workq.worker.handlers.ExecHandler;
import dev.workq.worker.tasks.TaskMethods;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipException;

/**
 * The handlers one worker offers: found with {@link ServiceLoader} on the classpath and in the
 * {@code --handlers} jars; {@link dev.workq.worker.api.Task} methods and classes in those jars and
 * on the task path ({@link TaskScanner}); and tasks registered by name ({@link TaskSpec}). Each
 * task comes with its {@code :chunk} handler. {@code exec} is left out unless allowed. Two handlers
 * with one name are refused at startup rather than one silently winning.
 */
public final class HandlerRegistry {

  /** Where a jar lists its handlers, as {@link ServiceLoader} reads them. */
  static final String SERVICES = "META-INF/services/" + TaskHandler.class.getName();

  private final Map<String, TaskHandler<?, ?>> handlers;
  private final boolean execAvailable;

  private HandlerRegistry(Map<String, TaskHandler<?, ?>> handlers, boolean execAvailable) {
    this.handlers = handlers;
    this.execAvailable = execAvailable;
  }

  /** The handlers of the classpath and {@code jars}, with no task path and no tasks registered by name. */
  public static HandlerRegistry load(List<Path> jars, boolean allowExec) {
    return load(jars, List.of(), Map.of(), allowExec);
  }

  /** The handlers {@code options} ask for: its handler jars, task path, tasks by name and exec setting. */
  public static HandlerRegistry load(WorkerOptions options) {
    return load(options.handlerJars(), options.taskPath(), options.tasks(), options.allowExec());
  }

  /**
   * Loads every handler; fails with a one-line {@link HandlerJarException} on a jar that cannot
   * offer one, and a {@link WorkerException} on a handler or task that will not load, a task path
   * entry that does not exist, or a duplicate name.
   *
   * @param jars {@code --handlers} jars: services, tasks, or both
   * @param taskPath entries of the worker's own classpath searched for tasks (not for services,
   *     which the classpath offers already)
   * @param tasks tasks registered by name: name to {@code binary.ClassName#method}
   */
  public static HandlerRegistry load(List<Path> jars, List<Path> taskPath, Map<String, String> tasks, boolean allowExec) {
    Map<Path, String> withoutServices = new LinkedHashMap<>();
    for (Path jar : jars) {
      String none = checkJar(jar);
      if (none != null) {
        withoutServices.put(jar, none);
      }
    }
    for (Path entry : taskPath) {
      if (!Files.exists(entry)) {
        throw new WorkerException("task path entry " + entry + " does not exist");
      }
    }
    ClassLoader parent = HandlerRegistry.class.getClassLoader();
    ClassLoader jarLoader = jars.isEmpty() ? parent : new URLClassLoader("workq-handlers", urls(jars), parent);
    // Parent first: a task path entry that is on the classpath already gives the classpath's classes.
    ClassLoader taskLoader = taskPath.isEmpty() ? jarLoader : new URLClassLoader("workq-tasks", urls(taskPath), jarLoader);
    List<Registration> all = new ArrayList<>();
    boolean exec = false;
    try {
      for (TaskHandler<?, ?> h : ServiceLoader.load(TaskHandler.class, jarLoader)) {
        if (ExecHandler.NAME.equals(checkName(h)) && !allowExec) {
          exec = true;
          continue;
        }
        all.add(new Registration(h, h.getClass().getName(), null));
      }
    } catch (ServiceConfigurationError e) {
      throw new WorkerException("cannot load a handler: " + e.getMessage(), e);
    }
    List<Path> scanned = new ArrayList<>(jars);
    scanned.addAll(taskPath);
    List<Registration> found = TaskScanner.scan(scanned, taskLoader);
    for (Map.Entry<Path, String> jar : withoutServices.entrySet()) {
      if (found.stream().noneMatch(r -> r.entry() != null && sameFile(r.entry(), jar.getKey()))) {
        throw new HandlerJarException("handler jar " + jar.getKey() + " offers no handler: " + jar.getValue()
            + ", and no @Task class or method");
      }
    }
    all.addAll(found);
    for (Map.Entry<String, String> t : new TreeMap<>(tasks).entrySet()) {
      MethodTask task = TaskSpec.resolve(t.getKey(), t.getValue(), taskLoader);
      all.addAll(Registration.withChunk(task, TaskMethods.describe(task.method()), null));
    }
    return new HandlerRegistry(byName(all), exec);
  }

  /** The registrations by name; the same origin twice (a class found twice, a method also registered by name) is one. */
  private static Map<String, TaskHandler<?, ?>> byName(List<Registration> all) {
    Map<String, Registration> named = new TreeMap<>();
    for (Registration r : all) {
      String name = checkName(r.handler());
      Registration previous = named.putIfAbsent(name, r);
      if (previous != null && !previous.origin().equals(r.origin())) {
        throw new WorkerException("two handlers are named '" + name + "': " + previous.origin() + " and " + r.origin());
      }
    }
    Map<String, TaskHandler<?, ?>> handlers = new TreeMap<>();
    named.forEach((name, r) -> handlers.put(name, r.handler()));
    return handlers;
  }

  private static URL[] urls(List<Path> paths) {
    List<URL> urls = new ArrayList<>();
    for (Path p : paths) {
      try {
        urls.add(p.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new HandlerJarException("handler path " + p + " is not a valid path: " + e.getMessage());
      }
    }
    return urls.toArray(URL[]::new);
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }

  /** Exactly {@code handlers}, for tests that run handlers of their own. */
  static HandlerRegistry of(List<TaskHandler<?, ?>> handlers) {
    Map<String, TaskHandler<?, ?>> found = new TreeMap<>();
    handlers.forEach(h -> found.put(checkName(h), h));
    return new HandlerRegistry(found, false);
  }

  /**
   * {@code h}'s name, if it follows the queue-name rules ({@link Validate#name}), the rule the
   * broker applies to HELLO and CONSUME: failing here names the handler's class, where the broker
   * would only refuse the worker's connection.
   */
  static String checkName(TaskHandler<?, ?> h) {
    String name = h.name();
    try {
      return Validate.name("handler name", name);
    } catch (IllegalArgumentException e) {
      throw new WorkerException("handler " + h.getClass().getName() + " has an invalid name: " + e.getMessage());
    }
  }

  /**
   * Refuses, before anything connects, a {@code --handlers} path that could never give a handler:
   * missing, unreadable or not a jar. Left alone, such a worker would run without the handler and
   * its tasks would wait for another worker forever. (Whether the listed classes load is for the
   * {@link ServiceLoader} to say; whether a jar without services offers a task, for the scan.)
   *
   * @return null if the jar lists {@link TaskHandler} services, else why it lists none
   */
  static String checkJar(Path jar) {
    if (!Files.exists(jar)) {
      throw new HandlerJarException("handler jar " + jar + " does not exist");
    }
    if (!Files.isRegularFile(jar)) {
      throw new HandlerJarException("handler jar " + jar + " is not a file");
    }
    if (!Files.isReadable(jar)) {
      throw new HandlerJarException("handler jar " + jar + " cannot be read (permission denied)");
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      JarEntry services = file.getJarEntry(SERVICES);
      if (services == null) {
        return "it has no " + SERVICES;
      }
      try (BufferedReader r = new BufferedReader(new InputStreamReader(file.getInputStream(services), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          int hash = line.indexOf('#');
          if (!(hash < 0 ? line : line.substring(0, hash)).isBlank()) {
            return null;
          }
        }
      }
    } catch (ZipException e) {
      throw new HandlerJarException("handler jar " + jar + " is not a jar (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new HandlerJarException("handler jar " + jar + " cannot be read: " + e.getMessage());
    }
    return "its " + SERVICES + " lists none";
  }

  /** The handler named {@code name}, or a {@link dev.workq.worker.api.HandlerException} saying why there is none. */
  public TaskHandler<?, ?> get(String name) throws UnknownHandlerException {
    TaskHandler<?, ?> h = handlers.get(name);
    if (h != null) {
      return h;
    }
    if (ExecHandler.NAME.equals(name) && execAvailable) {
      throw new UnknownHandlerException("handler 'exec' is disabled on this worker: start it with --allow-exec to run commands");
    }
    throw new UnknownHandlerException("no handler named '" + Printable.escape(name, 64) + "' on this worker (it has: " + String.join(", ", handlers.keySet()) + ")");
  }

  public List<String> names() {
    return List.copyOf(handlers.keySet());
  }
}
