package dev.workq.worker.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.workq.protocol.Json;
import dev.workq.protocol.Validate;
import dev.workq.worker.api.Task;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Arrays;

/**
 * The rules that make a {@link Task} method or class a task on the wire, in one place: the worker
 * that runs tasks and the pool that calls them both read them here.
 *
 * <ul>
 *   <li>A method's name is its {@link Task#value()}, else {@code SimpleClassName.methodName}.
 *   <li>With one input parameter, the payload is that argument's JSON; with none or several, a
 *       JSON array with one element per parameter. A trailing {@link TaskContext} parameter is
 *       the worker's to give, not part of the payload.
 *   <li>{@code <name>:chunk} runs several inputs in one task: its payload is a JSON array of
 *       single-run payloads, its value a JSON array of per-input outcomes.
 * </ul>
 */
public final class TaskMethods {

  /** What a task's chunk handler adds to the task's name; task names may not contain {@code :}. */
  public static final String CHUNK_SUFFIX = ":chunk";

  private TaskMethods() {}

  /**
   * The name of the task {@code m}.
   *
   * @throws IllegalArgumentException one line naming the method, if it is not a static method
   *     marked {@link Task} or its name breaks the handler-name rules
   */
  public static String nameOf(Method m) {
    Task task = m.getAnnotation(Task.class);
    if (task == null) {
      throw new IllegalArgumentException(describe(m) + " is not a task: mark it @Task");
    }
    if (!Modifier.isStatic(m.getModifiers())) {
      throw new IllegalArgumentException(describe(m) + " is marked @Task but is not static: a task method must be static");
    }
    String name = task.value().isEmpty() ? m.getDeclaringClass().getSimpleName() + "." + m.getName() : task.value();
    return checkName(name, describe(m));
  }

  /**
   * The name of the task class {@code taskClass}: its {@link Task#value()}, else the name its
   * handler gives.
   *
   * @throws IllegalArgumentException one line naming the class, if it is not marked {@link Task},
   *     does not implement {@link TaskHandler}, or has no public no-argument constructor
   */
  public static String nameOf(Class<?> taskClass) {
    Task task = taskClass.getAnnotation(Task.class);
    if (task == null) {
      throw new IllegalArgumentException(taskClass.getName() + " is not a task: mark it @Task");
    }
    if (!TaskHandler.class.isAssignableFrom(taskClass)) {
      throw new IllegalArgumentException(taskClass.getName() + " is marked @Task but does not implement " + TaskHandler.class.getName());
    }
    if (!task.value().isEmpty()) {
      return checkName(task.value(), taskClass.getName());
    }
    try {
      return checkName(((TaskHandler<?, ?>) taskClass.getConstructor().newInstance()).name(), taskClass.getName());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(taskClass.getName() + " is marked @Task but cannot be made with a public no-argument constructor: " + e);
    }
  }

  /** The name of {@code task}'s chunk handler. */
  public static String chunkName(String task) {
    return task + CHUNK_SUFFIX;
  }

  /** The payload parameters of {@code m}: every parameter but a trailing {@link TaskContext}. */
  public static Type[] inputTypes(Method m) {
    Type[] all = m.getGenericParameterTypes();
    Class<?>[] raw = m.getParameterTypes();
    boolean context = raw.length > 0 && raw[raw.length - 1] == TaskContext.class;
    return context ? Arrays.copyOf(all, all.length - 1) : all;
  }

  /**
   * {@code args} as the payload of one run of {@code m}: with one input parameter, that
   * argument's JSON; with none or several, a JSON array of the arguments.
   *
   * @throws IllegalArgumentException if the count of {@code args} is not the method's, or an
   *     argument cannot be written as JSON
   */
  public static byte[] payload(Method m, Object... args) {
    int inputs = inputTypes(m).length;
    if (args.length != inputs) {
      throw new IllegalArgumentException(describe(m) + " takes " + inputs + " arguments, got " + args.length);
    }
    try {
      return Json.mapper().writeValueAsBytes(inputs == 1 ? args[0] : args);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("an argument of " + describe(m) + " cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** {@code Class.method}, as a user reads it in an error. */
  public static String describe(Method m) {
    return m.getDeclaringClass().getName() + "." + m.getName();
  }

  private static String checkName(String name, String what) {
    if (name.contains(":")) {
      throw new IllegalArgumentException("task " + what + " has the name '" + name + "': a task name may not contain ':'");
    }
    try {
      return Validate.name("task name", name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("task " + what + " has an invalid name: " + e.getMessage());
    }
  }
}
