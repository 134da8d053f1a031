package dev.workq.pool.internal;

import com.fasterxml.jackson.databind.JavaType;
import java.util.function.Function;

/**
 * A task as the pool calls it: the handler name workers know it by, how a user reads it in an
 * error ({@code Pi::partial}), the type its JSON value is read as, and how one run's arguments
 * become its payload.
 *
 * @param name the handler name (its chunk handler adds {@link dev.workq.worker.tasks.TaskMethods#CHUNK_SUFFIX})
 * @param display how the task is named in errors
 * @param resultType what the JSON value is mapped to
 * @param encoder one run's arguments to that run's payload bytes
 */
public record TaskRef(String name, String display, JavaType resultType, Function<Object[], byte[]> encoder) {

  /** The payload of one run with {@code args}. */
  public byte[] payload(Object[] args) {
    return encoder.apply(args);
  }
}
