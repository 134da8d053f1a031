package dev.workq.server.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workq.protocol.ErrorCode;
import dev.workq.protocol.ErrorReply;
import dev.workq.protocol.Json;
import dev.workq.protocol.Message;
import dev.workq.protocol.QueueClose;
import dev.workq.protocol.QueueCloseOk;
import dev.workq.protocol.QueuePeek;
import dev.workq.protocol.QueuePeekOk;
import dev.workq.protocol.QueuePurge;
import dev.workq.protocol.QueuePurgeOk;
import dev.workq.protocol.Request;
import dev.workq.protocol.TaskCancel;
import dev.workq.protocol.TaskCancelOk;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.TaskState;
import dev.workq.protocol.TaskStatus;
import dev.workq.protocol.TaskStatusOk;
import dev.workq.protocol.TaskWait;
import dev.workq.protocol.TaskWaitOk;
import dev.workq.protocol.Validate;
import dev.workq.server.internal.core.BrokerCore;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The HTTP API's task and queue lifecycle: a task's status, cancelling it, and purging, peeking at
 * and closing a queue. Each runs as its protocol request through {@link BrokerCore#request}, so it
 * means exactly what the protocol's TASK_STATUS, TASK_CANCEL, QUEUE_PURGE, QUEUE_PEEK and
 * QUEUE_CLOSE do; a refusal comes back as {@code {"error": "CODE: message"}} with 404 for an
 * unknown task or queue, 400 for bad input, 503 for a busy or stopping broker and 409 for any
 * other conflict (a closed queue). Who may ask was settled before (token, Host and Origin guards):
 * the POSTs are actions, and need the admin token when the plane has tokens.
 */
final class LifecycleRoutes {

  /** Items a peek lists when {@code limit} is not given. */
  static final int DEFAULT_PEEK_LIMIT = 10;

  private static final String TASKS = "/api/tasks/";
  private static final String QUEUES = "/api/queues/";

  private final BrokerCore core;
  private final Encoder encoder;

  /** Encodes a core answer into a response on the HTTP plane's thread (see {@link HttpApiHandler}). */
  interface Encoder {
    <T> CompletableFuture<FullHttpResponse> encoded(CompletableFuture<T> source, Function<T, FullHttpResponse> encode);
  }

  LifecycleRoutes(BrokerCore core, Encoder encoder) {
    this.core = core;
    this.encoder = encoder;
  }

  /**
   * The answer to {@code method rawPath}, or null if it is none of these routes. Path segments are
   * decoded one by one, so a task id may hold an escaped {@code /}.
   *
   * @throws IllegalArgumentException for bad input (answered 400)
   */
  CompletableFuture<FullHttpResponse> route(HttpMethod method, String rawPath, Map<String, List<String>> params) {
    boolean get = method.equals(HttpMethod.GET);
    boolean post = method.equals(HttpMethod.POST);
    if (rawPath.startsWith(TASKS)) {
      String[] rest = rawPath.substring(TASKS.length()).split("/", -1);
      if (get && rest.length == 1 && !rest[0].isEmpty()) {
        return status(decode(rest[0]));
      }
      if (post && rest.length == 2 && !rest[0].isEmpty() && rest[1].equals("cancel")) {
        String id = Validate.text("id", decode(rest[0]), 200);
        return ask(new TaskCancel(0, id), TaskCancelOk.class, ok -> json(HttpResponseStatus.OK,
            ordered("id", ok.id(), "was", ok.was(), "cancelled", ok.cancelled())));
      }
      return null;
    }
    if (rawPath.startsWith(QUEUES)) {
      String[] rest = rawPath.substring(QUEUES.length()).split("/", -1);
      if (rest.length != 2) {
        return null;
      }
      String queue = decode(rest[0]);
      switch (rest[1]) {
        case "purge":
          if (!post) {
            return null;
          }
          boolean dead = Boolean.parseBoolean(first(params, "deadLetters", "false"));
          return ask(new QueuePurge(0, queue, dead), QueuePurgeOk.class, ok -> json(HttpResponseStatus.OK,
              ordered("queue", ok.queue(), "ready", ok.ready(), "delayed", ok.delayed(), "stops", ok.stops(), "dead", ok.dead())));
        case "peek":
          if (!get) {
            return null;
          }
          int limit = number("limit", first(params, "limit", Integer.toString(DEFAULT_PEEK_LIMIT)));
          return ask(new QueuePeek(0, queue, limit), QueuePeekOk.class, ok -> json(HttpResponseStatus.OK,
              ordered("queue", ok.queue(), "ready", ok.ready(), "delayed", ok.delayed(), "items", ok.items())));
        case "close":
          if (!post) {
            return null;
          }
          return ask(new QueueClose(0, queue), QueueCloseOk.class, ok -> json(HttpResponseStatus.OK,
              ordered("queue", ok.queue(), "closed", true, "unfinished", ok.unfinished(), "workers", ok.workers())));
        default:
          return null;
      }
    }
    return null;
  }

  /**
   * A task's state; for a finished one, its result record too (read with a zero-length wait, which
   * takes nothing off the done queue). An id the broker does not know is a 404 whose body still
   * says {@code "state": "NOT_FOUND"}.
   */
  private CompletableFuture<FullHttpResponse> status(String rawId) {
    String id = Validate.text("id", rawId, 200);
    CompletableFuture<Message> info = call(new TaskStatus(0, List.of(id)));
    CompletableFuture<Answers> both = info.thenCompose(m -> {
      if (m instanceof TaskStatusOk ok && !ok.tasks().isEmpty() && ok.tasks().get(0).state().finished()) {
        return call(new TaskWait(0, id, 0)).thenApply(w -> new Answers(m, w));
      }
      return CompletableFuture.completedFuture(new Answers(m, null));
    });
    return encoder.encoded(both, pair -> {
      if (!(pair.status() instanceof TaskStatusOk ok) || ok.tasks().isEmpty()) {
        return refusal(pair.status());
      }
      TaskInfo task = ok.tasks().get(0);
      @SuppressWarnings("unchecked")
      Map<String, Object> body = Json.mapper().convertValue(task, LinkedHashMap.class);
      if (task.state() == TaskState.NOT_FOUND) {
        body.put("error", "UNKNOWN_TASK: no task with id '" + Refusals.shortened(id)
            + "' (never put, or finished longer ago than the broker keeps results)");
        return json(HttpResponseStatus.NOT_FOUND, body);
      }
      if (pair.waited() instanceof TaskWaitOk w && w.finished() && w.result().length() > 0) {
        body.put("result", parse(w.result().bytes()));
      }
      return json(HttpResponseStatus.OK, body);
    });
  }

  /** TASK_STATUS's answer, and TASK_WAIT's for a finished task (else null). */
  private record Answers(Message status, Message waited) {}

  private static JsonNode parse(byte[] record) {
    try {
      return Json.mapper().readTree(record);
    } catch (IOException e) {
      return Json.mapper().getNodeFactory().textNode(new String(record, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Runs {@code request} through the core; the answer {@code type} is encoded by {@code ok}, an ERROR as a refusal. */
  private <T extends Message> CompletableFuture<FullHttpResponse> ask(Request request, Class<T> type, Function<T, FullHttpResponse> ok) {
    return encoder.encoded(call(request), m -> type.isInstance(m) ? ok.apply(type.cast(m)) : refusal(m));
  }

  /** A stopped core refuses at once: answered 503, not by a closed connection. */
  private CompletableFuture<Message> call(Request request) {
    try {
      return core.request(request);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** An ERROR (or an answer of the wrong kind) as the JSON error with its status. */
  static FullHttpResponse refusal(Message answer) {
    if (!(answer instanceof ErrorReply e)) {
      return json(HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", "INTERNAL: unexpected answer " + answer.type()));
    }
    return json(statusOf(e.code()), Map.of("error", e.describe()));
  }

  /** The HTTP status for a refusal: 404 unknown, 400 bad input, 503 busy, 501 not served by this broker, else 409. */
  static HttpResponseStatus statusOf(ErrorCode code) {
    return switch (code) {
      case UNKNOWN_TASK, UNKNOWN_QUEUE -> HttpResponseStatus.NOT_FOUND;
      case INVALID_REQUEST -> HttpResponseStatus.BAD_REQUEST;
      case SHUTTING_DOWN, MEMORY_LIMIT, TIMEOUT -> HttpResponseStatus.SERVICE_UNAVAILABLE;
      case PROTOCOL_ERROR -> HttpResponseStatus.NOT_IMPLEMENTED;
      default -> HttpResponseStatus.CONFLICT;
    };
  }

  private static String decode(String segment) {
    return QueryStringDecoder.decodeComponent(segment);
  }

  private static int number(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + Refusals.shortened(value) + "'");
    }
  }

  private static String first(Map<String, List<String>> params, String name, String fallback) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? fallback : v.get(0);
  }

  /** A JSON object with its fields in the order given. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static FullHttpResponse json(HttpResponseStatus status, Object body) {
    return HttpApiHandler.json(status, body);
  }
}
