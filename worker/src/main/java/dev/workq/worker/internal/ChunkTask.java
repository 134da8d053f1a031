package dev.workq.worker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workq.protocol.Json;
import dev.workq.worker.api.JsonBytes;
import dev.workq.worker.api.RetryPolicy;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import dev.workq.worker.tasks.TaskMethods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code <name>:chunk} handler of a task: runs several inputs in one task, so a pool's map
 * with a chunk size pays one round trip per chunk rather than per input. Its payload is a JSON
 * array of single-run payloads; it runs them in order, stopping early if the task is cancelled,
 * and returns a JSON array with one outcome per input: {@code {"ok":true,"value":V}} or
 * {@code {"ok":false,"error":"class: first line","trace":[...]}} (no trace for an input whose payload
 * does not fit: its error says it all). An input that throws does not
 * fail the chunk (the chunk is ok with that input's outcome not ok); an input that throws is run
 * again at once, up to the task's attempts, unless it threw a permanent failure.
 */
final class ChunkTask implements TaskHandler<JsonBytes, JsonBytes> {

  private static final ObjectMapper MAPPER = Json.mapper();
  private static final byte[] OK = ascii("{\"ok\":true,\"value\":");
  private static final byte[] FAILED = ascii("{\"ok\":false,\"error\":");

  /** One run of the task on one input's payload. */
  @FunctionalInterface
  interface SingleRun {
    Object run(byte[] payload, TaskContext context) throws Exception;
  }

  private final String name;
  private final SingleRun single;
  private final int attempts;

  private ChunkTask(String name, SingleRun single, int attempts) {
    this.name = name;
    this.single = single;
    this.attempts = attempts;
  }

  /** The chunk handler of the method task {@code task}. */
  static ChunkTask of(MethodTask task) {
    return new ChunkTask(TaskMethods.chunkName(task.name()), task::run, task.retryPolicy().maxAttempts());
  }

  /**
   * The chunk handler of the task class {@code handler}: each input is mapped to its input type and
   * handed to it; inputs get the runs its retry policy allows (one under the broker's policy).
   */
  static ChunkTask of(TaskHandler<Object, Object> handler) {
    RetryPolicy policy = handler.retryPolicy();
    int attempts = policy == null || policy.maxAttempts() == 0 ? 1 : policy.maxAttempts();
    return new ChunkTask(TaskMethods.chunkName(handler.name()),
        (payload, context) -> handler.handle(TaskRunner.input(handler, payload), context), attempts);
  }

  /** {@code handler} as one that takes and gives any object, as the runner calls every handler. */
  @SuppressWarnings("unchecked")
  static TaskHandler<Object, Object> erase(TaskHandler<?, ?> handler) {
    return (TaskHandler<Object, Object>) handler;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Class<JsonBytes> inputType() {
    return JsonBytes.class;
  }

  /**
   * The chunk itself fails only when its payload is not an array: that is permanent, like any
   * payload that does not fit. The inputs' own failures are in the outcomes.
   */
  @Override
  public RetryPolicy retryPolicy() {
    return RetryPolicy.maxAttempts(1);
  }

  @Override
  public JsonBytes handle(JsonBytes input, TaskContext context) throws Exception {
    List<byte[]> inputs = split(input.bytes());
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * inputs.size() + 2);
    out.write('[');
    for (int i = 0; i < inputs.size() && !context.cancelled(); i++) {
      if (i > 0) {
        out.write(',');
      }
      outcome(out, inputs.get(i), context);
    }
    out.write(']');
    return JsonBytes.of(out.toByteArray());
  }

  private void outcome(ByteArrayOutputStream out, byte[] payload, TaskContext context) throws IOException {
    Throwable failure = null;
    for (int run = 1; run <= attempts; run++) {
      try {
        Object value = single.run(payload, context);
        byte[] json = value instanceof JsonBytes raw ? raw.bytes() : MAPPER.writeValueAsBytes(value);
        out.writeBytes(OK);
        out.writeBytes(json);
        out.write('}');
        return;
      } catch (Throwable t) {
        failure = t;
        if (t instanceof BadPayloadException || Failures.isPermanent(t) || context.cancelled()) {
          break;
        }
      }
    }
    out.writeBytes(FAILED);
    out.writeBytes(MAPPER.writeValueAsBytes(Failures.describe(failure)));
    List<String> trace = Failures.trace(failure, Thread.currentThread().getStackTrace());
    if (trace != null) {
      out.writeBytes(ascii(",\"trace\":"));
      out.writeBytes(MAPPER.writeValueAsBytes(trace));
    }
    out.write('}');
  }

  /** The elements of the chunk's JSON array, each as the bytes it came as. */
  private List<byte[]> split(byte[] payload) throws BadPayloadException {
    try {
      return JsonElements.of(payload);
    } catch (IllegalArgumentException e) {
      throw new BadPayloadException("payload does not fit task '" + name + "': a chunk's payload is a JSON array of single-run payloads ("
          + e.getMessage() + ")", e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
