package dev.workq.worker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workq.protocol.Json;
import dev.workq.worker.WorkerException;
import dev.workq.worker.api.JsonBytes;
import dev.workq.worker.api.RetryPolicy;
import dev.workq.worker.api.Task;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import dev.workq.worker.tasks.TaskMethods;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.List;

/**
 * A static Java method run as a task ({@link Task}, or registered by name): maps the payload to
 * the method's parameters by the rules of {@link TaskMethods} (one input parameter takes the
 * payload itself, none or several take a JSON array), each with the Jackson type of its generic
 * parameter type, so a {@code List<Range>} parameter gets {@code Range}s; a {@link JsonBytes}
 * parameter gets its JSON as it came. A trailing {@link TaskContext} parameter gets the task's
 * context. The method's own exception is what the task reports, not the reflection wrapper.
 *
 * <p>An exception is permanent (sent straight back, like a function call's) unless the method
 * asks for more runs with {@link Task#attempts()}.
 */
final class MethodTask implements TaskHandler<JsonBytes, Object> {

  private static final ObjectMapper MAPPER = Json.mapper();

  private final String name;
  private final Method method;
  private final JavaType[] inputs;
  private final boolean takesContext;
  private final RetryPolicy retryPolicy;

  private MethodTask(String name, Method method, JavaType[] inputs, boolean takesContext, RetryPolicy retryPolicy) {
    this.name = name;
    this.method = method;
    this.inputs = inputs;
    this.takesContext = takesContext;
    this.retryPolicy = retryPolicy;
  }

  /**
   * The task {@code name} that runs {@code m}. Its attempts are those of its {@link Task}
   * annotation, 1 when it has none (a method registered by name).
   *
   * @throws WorkerException one line naming the method, if it is not static, asks for attempts
   *     outside 1..1000, or cannot be made accessible
   */
  static MethodTask of(String name, Method m) {
    String where = TaskMethods.describe(m);
    if (!Modifier.isStatic(m.getModifiers())) {
      throw new WorkerException("task '" + name + "': " + where + " is not static: a task method must be static");
    }
    Task task = m.getAnnotation(Task.class);
    int attempts = task == null ? 1 : task.attempts();
    if (attempts < 1 || attempts > 1000) {
      throw new WorkerException("task '" + name + "': " + where + " has @Task(attempts = " + attempts + "): attempts must be 1..1000");
    }
    try {
      // A package-private method of the program's main class is the common case: reach it anyway.
      m.setAccessible(true);
    } catch (RuntimeException e) {
      throw new WorkerException("task '" + name + "': " + where + " cannot be made accessible: " + Failures.firstLine(e.getMessage()));
    }
    Type[] types = TaskMethods.inputTypes(m);
    JavaType[] inputs = new JavaType[types.length];
    for (int i = 0; i < types.length; i++) {
      inputs[i] = MAPPER.getTypeFactory().constructType(types[i]);
    }
    return new MethodTask(name, m, inputs, types.length < m.getParameterCount(), RetryPolicy.maxAttempts(attempts));
  }

  @Override
  public String name() {
    return name;
  }

  /** The payload as it came: this task maps it to the method's parameters itself, by their generic types. */
  @Override
  public Class<JsonBytes> inputType() {
    return JsonBytes.class;
  }

  @Override
  public Object handle(JsonBytes input, TaskContext context) throws Exception {
    return run(input.bytes(), context);
  }

  @Override
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** The method, for errors that name it and to tell one registration of it from another. */
  Method method() {
    return method;
  }

  /**
   * Runs the method once on the single-run payload {@code payload}.
   *
   * @throws BadPayloadException if the payload does not map to the parameters
   * @throws Exception whatever the method threw
   */
  Object run(byte[] payload, TaskContext context) throws Exception {
    Object[] args = arguments(payload);
    if (takesContext) {
      Object[] withContext = new Object[args.length + 1];
      System.arraycopy(args, 0, withContext, 0, args.length);
      withContext[args.length] = context;
      args = withContext;
    }
    try {
      return method.invoke(null, args);
    } catch (InvocationTargetException e) {
      // The method's own exception is the task's failure; the reflection wrapper says nothing.
      Throwable cause = e.getCause();
      if (cause instanceof Exception x) {
        throw x;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private Object[] arguments(byte[] payload) throws BadPayloadException {
    try {
      if (inputs.length == 1) {
        return new Object[] {value(payload, inputs[0])};
      }
      return array(payload);
    } catch (IllegalArgumentException e) {
      throw bad(Failures.firstLine(e.getMessage()), e);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw bad(Failures.firstLine(detail), e);
    }
  }

  private Object value(byte[] json, JavaType type) throws IOException {
    return type.getRawClass() == JsonBytes.class ? JsonBytes.of(json) : MAPPER.readValue(json, type);
  }

  /** The arguments of a method with none or several input parameters: one JSON array element each. */
  private Object[] array(byte[] payload) throws IOException, BadPayloadException {
    if (inputs.length == 0 && "null".equals(new String(payload, java.nio.charset.StandardCharsets.UTF_8).strip())) {
      // No arguments: null says so as well as [] does.
      return new Object[0];
    }
    List<byte[]> elements;
    try {
      elements = JsonElements.of(payload);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage() + " of its " + inputs.length + " arguments", e);
    }
    if (elements.size() != inputs.length) {
      throw bad("the array has " + elements.size() + " elements, the method takes " + inputs.length, null);
    }
    Object[] args = new Object[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      args[i] = value(elements.get(i), inputs[i]);
    }
    return args;
  }

  private BadPayloadException bad(String why, Throwable cause) {
    return new BadPayloadException("payload does not fit task '" + name + "' (" + TaskMethods.describe(method) + "): " + why, cause);
  }
}
