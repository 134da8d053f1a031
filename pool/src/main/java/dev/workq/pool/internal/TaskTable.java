package dev.workq.pool.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workq.protocol.Json;
import dev.workq.protocol.Validate;
import dev.workq.worker.api.Task;
import dev.workq.worker.tasks.TaskMethods;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks one pool may call: static methods marked {@link Task}, found from a method reference,
 * and the methods registered by name on the builder. Only these resolve, so a caller cannot make a
 * worker run a method that is neither.
 */
public final class TaskTable {

  private static final ObjectMapper MAPPER = Json.mapper();

  /** Registered methods and their names, in registration order (the order they are passed to workers). */
  private final Map<Method, String> registered;

  public TaskTable(Map<Method, String> registered) {
    this.registered = Map.copyOf(registered);
  }

  /**
   * Checks that {@code fn} names a static method and {@code name} is a valid task name, for a
   * builder's {@code task(name, fn)}; returns the method.
   */
  public static Method registrable(String name, Serializable fn) {
    if (name == null || name.contains(":")) {
      throw new IllegalArgumentException("task name '" + name + "' may not be null or contain ':'");
    }
    Validate.name("task name", name);
    Method m = TaskResolver.methodOf(fn);
    if (!Modifier.isStatic(m.getModifiers())) {
      throw new IllegalArgumentException(TaskResolver.display(m) + " is not static: only a static method can be a task");
    }
    return m;
  }

  /**
   * Adds the static method {@code fn} refers to, under {@code name}, to {@code registered}.
   *
   * @throws IllegalArgumentException one line, for a method that cannot be a task or a name registered twice
   */
  public static void register(Map<Method, String> registered, String name, Serializable fn) {
    Method m = registrable(name, fn);
    if (registered.containsValue(name)) {
      throw new IllegalArgumentException("task name '" + name + "' is registered twice");
    }
    registered.put(m, name);
  }

  /** Registered tasks as the workers' {@code --task name=binaryClassName#method} values. */
  public static Map<String, String> asSpecs(Map<Method, String> registered) {
    Map<String, String> specs = new LinkedHashMap<>();
    registered.forEach((m, name) -> specs.put(name, m.getDeclaringClass().getName() + "#" + m.getName()));
    return specs;
  }

  /**
   * The task {@code fn} names.
   *
   * @throws IllegalArgumentException one line, when it is neither a registered method nor a
   *     static method marked {@link Task}
   */
  public TaskRef resolve(Serializable fn) {
    Method m = TaskResolver.methodOf(fn);
    String name = registered.get(m);
    if (name == null) {
      if (m.getAnnotation(Task.class) == null) {
        throw new IllegalArgumentException(TaskResolver.display(m) + " is not a task: mark the static method @Task, "
            + "or register it with WorkqPool.local(n).task(name, fn)");
      }
      name = TaskMethods.nameOf(m);
    }
    JavaType result = MAPPER.getTypeFactory().constructType(m.getGenericReturnType());
    return new TaskRef(name, TaskResolver.display(m), result, args -> TaskMethods.payload(m, args));
  }

  /** A task known only by its handler name (a built-in, or one written in another language): one argument, its JSON the payload. */
  public static TaskRef byName(String name, JavaType resultType) {
    Validate.name("task name", name);
    return new TaskRef(name, "'" + name + "'", resultType, args -> {
      if (args.length != 1) {
        throw new IllegalArgumentException("task '" + name + "' is called by name with one input, got " + args.length);
      }
      try {
        return MAPPER.writeValueAsBytes(args[0]);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("an input of task '" + name + "' cannot be written as JSON: " + e.getOriginalMessage(), e);
      }
    });
  }

  /**
   * The static methods marked {@link Task} in {@code c} and the classes nested in it, by name.
   *
   * @throws IllegalArgumentException one line, for a marked method that cannot be a task
   */
  public static Map<Method, String> marked(Class<?> c) {
    Map<Method, String> found = new LinkedHashMap<>();
    ArrayDeque<Class<?>> classes = new ArrayDeque<>(List.of(c));
    while (!classes.isEmpty()) {
      Class<?> next = classes.pop();
      for (Method m : next.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Task.class)) {
          found.put(m, TaskMethods.nameOf(m));
        }
      }
      classes.addAll(List.of(next.getDeclaredClasses()));
    }
    return found;
  }
}
