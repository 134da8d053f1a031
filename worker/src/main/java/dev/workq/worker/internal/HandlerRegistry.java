package dev.workq.worker.internal;

import dev.workq.worker.HandlerJarException;
import dev.workq.worker.WorkerException;
import dev.workq.worker.api.TaskHandler;
import dev.workq.protocol.Printable;
import dev.workq.protocol.Validate;
import dev.workq.worker.handlers.ExecHandler;
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
 * {@code --handlers} jars. {@code exec} is left out unless allowed. Two handlers with one name are
 * refused at startup rather than one silently winning.
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

  /**
   * Loads every handler; fails with a one-line {@link HandlerJarException} on a jar that cannot
   * offer one, and a {@link WorkerException} on a handler that will not load or a duplicate name.
   */
  public static HandlerRegistry load(List<Path> jars, boolean allowExec) {
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      checkJar(jar);
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new HandlerJarException("handler jar " + jar + " is not a valid path: " + e.getMessage());
      }
    }
    ClassLoader loader = urls.isEmpty()
        ? HandlerRegistry.class.getClassLoader()
        : new URLClassLoader("workq-handlers", urls.toArray(URL[]::new), HandlerRegistry.class.getClassLoader());
    Map<String, TaskHandler<?, ?>> found = new TreeMap<>();
    boolean exec = false;
    try {
      for (TaskHandler<?, ?> h : ServiceLoader.load(TaskHandler.class, loader)) {
        String name = checkName(h);
        if (ExecHandler.NAME.equals(name) && !allowExec) {
          exec = true;
          continue;
        }
        TaskHandler<?, ?> previous = found.putIfAbsent(name, h);
        if (previous != null && previous.getClass() != h.getClass()) {
          throw new WorkerException("two handlers are named '" + name + "': " + previous.getClass().getName()
              + " and " + h.getClass().getName());
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new WorkerException("cannot load a handler: " + e.getMessage(), e);
    }
    return new HandlerRegistry(found, exec);
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
   * missing, unreadable, not a jar, or a jar that lists no {@link TaskHandler} service. Left alone,
   * such a worker would run without the handler and its tasks would wait for another worker
   * forever. (Whether the listed classes load is for the {@link ServiceLoader} to say.)
   */
  static void checkJar(Path jar) {
    if (!Files.exists(jar)) {
      throw new HandlerJarException("handler jar " + jar + " does not exist");
    }
    if (!Files.isRegularFile(jar)) {
      throw new HandlerJarException("handler jar " + jar + " is not a file");
    }
    if (!Files.isReadable(jar)) {
      throw new HandlerJarException("handler jar " + jar + " cannot be read (permission denied)");
    }
    List<String> providers = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      JarEntry services = file.getJarEntry(SERVICES);
      if (services == null) {
        throw new HandlerJarException("handler jar " + jar + " offers no handler: it has no " + SERVICES);
      }
      try (BufferedReader r = new BufferedReader(new InputStreamReader(file.getInputStream(services), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          int hash = line.indexOf('#');
          String name = (hash < 0 ? line : line.substring(0, hash)).strip();
          if (!name.isEmpty()) {
            providers.add(name);
          }
        }
      }
    } catch (ZipException e) {
      throw new HandlerJarException("handler jar " + jar + " is not a jar (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new HandlerJarException("handler jar " + jar + " cannot be read: " + e.getMessage());
    }
    if (providers.isEmpty()) {
      throw new HandlerJarException("handler jar " + jar + " offers no handler: its " + SERVICES + " lists none");
    }
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
