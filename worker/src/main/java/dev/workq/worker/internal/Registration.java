package dev.workq.worker.internal;

import dev.workq.worker.api.TaskHandler;
import java.nio.file.Path;
import java.util.List;

/**
 * One handler a worker will offer and where it came from, so that two handlers with one name can
 * be refused with both sources named.
 *
 * @param handler the handler
 * @param origin what defines it: a handler class name, or {@code Class.method} for a task method
 * @param entry the classpath entry or handler jar it was found in; null for the classpath's
 *     services and tasks registered by name
 */
record Registration(TaskHandler<?, ?> handler, String origin, Path entry) {

  /** A task and its {@code :chunk} handler, from one origin. */
  static List<Registration> withChunk(TaskHandler<?, ?> task, String origin, Path entry) {
    ChunkTask chunk = task instanceof MethodTask m ? ChunkTask.of(m) : ChunkTask.of(ChunkTask.erase(task));
    return List.of(new Registration(task, origin, entry), new Registration(chunk, origin + " (chunk)", entry));
  }
}
