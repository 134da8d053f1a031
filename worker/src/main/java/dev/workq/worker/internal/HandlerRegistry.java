package dev.workq.worker.internal;

import dev.workq.worker.WorkerException;
import dev.workq.worker.api.TaskHandler;
import dev.workq.worker.handlers.ExecHandler;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The handlers one worker offers: found with {@link ServiceLoader} on the classpath and in the
 * {@code --handlers} jars. {@code exec} is left out unless allowed. Two handlers with one name are
 * refused at startup rather than one silently winning.
 */
public final class HandlerRegistry {

  private final Map<String, TaskHandler<?, ?>> handlers;
  private final boolean execAvailable;

  private HandlerRegistry(Map<String, TaskHandler<?, ?>> handlers, boolean execAvailable) {
    this.handlers = handlers;
    this.execAvailable = execAvailable;
  }

  /** Loads every handler; fails with a one-line {@link WorkerException} on a bad jar or a duplicate name. */
  public static HandlerRegistry load(List<Path> jars, boolean allowExec) {
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        throw new WorkerException("handler jar " + jar + " does not exist or is not a file");
      }
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new WorkerException("handler jar " + jar + " is not a valid path: " + e.getMessage());
      }
    }
    ClassLoader loader = urls.isEmpty()
        ? HandlerRegistry.class.getClassLoader()
        : new URLClassLoader("workq-handlers", urls.toArray(URL[]::new), HandlerRegistry.class.getClassLoader());
    Map<String, TaskHandler<?, ?>> found = new TreeMap<>();
    boolean exec = false;
    try {
      for (TaskHandler<?, ?> h : ServiceLoader.load(TaskHandler.class, loader)) {
        String name = h.name();
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

  /** The handler named {@code name}, or a {@link dev.workq.worker.api.HandlerException} saying why there is none. */
  public TaskHandler<?, ?> get(String name) throws UnknownHandlerException {
    TaskHandler<?, ?> h = handlers.get(name);
    if (h != null) {
      return h;
    }
    if (ExecHandler.NAME.equals(name) && execAvailable) {
      throw new UnknownHandlerException("handler 'exec' is disabled on this worker: start it with --allow-exec to run commands");
    }
    throw new UnknownHandlerException("no handler named '" + name + "' on this worker (it has: " + String.join(", ", handlers.keySet()) + ")");
  }

  public List<String> names() {
    return List.copyOf(handlers.keySet());
  }
}
