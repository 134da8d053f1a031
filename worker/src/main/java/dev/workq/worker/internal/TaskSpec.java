package dev.workq.worker.internal;

import dev.workq.worker.WorkerException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * A task registered by name rather than found by its annotation ({@code --task name=Class#method},
 * {@code WorkerOptions.tasks}): the spec {@code binary.ClassName#method} names one static method,
 * which need not carry {@link dev.workq.worker.api.Task}. Only what is registered runs, so this
 * still lets no client call an arbitrary method.
 */
final class TaskSpec {

  private TaskSpec() {}

  /**
   * The method task {@code name} that {@code spec} names, loaded with {@code loader}.
   *
   * @throws WorkerException one line, if the spec is malformed, its class does not load, or it has
   *     not exactly one static method of that name
   */
  static MethodTask resolve(String name, String spec, ClassLoader loader) {
    int hash = spec.indexOf('#');
    if (hash <= 0 || hash == spec.length() - 1 || spec.indexOf('#', hash + 1) >= 0) {
      throw new WorkerException("task '" + name + "': '" + spec + "' is not of the form binary.ClassName#method");
    }
    String className = spec.substring(0, hash);
    String methodName = spec.substring(hash + 1);
    Class<?> c;
    try {
      c = Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      throw new WorkerException("task '" + name + "': no class " + className + " on this worker's classpath");
    } catch (LinkageError e) {
      throw new WorkerException("task '" + name + "': class " + className + " will not load: " + Failures.describe(e));
    }
    List<Method> statics = new ArrayList<>();
    boolean instance = false;
    for (Method m : c.getDeclaredMethods()) {
      if (m.getName().equals(methodName) && !m.isSynthetic() && !m.isBridge()) {
        if (Modifier.isStatic(m.getModifiers())) {
          statics.add(m);
        } else {
          instance = true;
        }
      }
    }
    if (statics.isEmpty()) {
      throw new WorkerException("task '" + name + "': " + className + "." + methodName
          + (instance ? " is not static: a task method must be static" : " does not exist"));
    }
    if (statics.size() > 1) {
      throw new WorkerException("task '" + name + "': " + className + "." + methodName + " is overloaded ("
          + statics.size() + " static methods of that name): a task must name exactly one");
    }
    return MethodTask.of(name, statics.get(0));
  }
}
