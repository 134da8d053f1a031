package dev.workq.protocol;

/** Naming rules every peer agrees on. */
public final class QueueNames {

  /** Suffix of a queue's default done queue: results of tasks on {@code q} go to {@code q.done}. */
  public static final String DONE_SUFFIX = ".done";

  /**
   * Prefix of a client's private reply queue. The broker deletes such a queue once it is empty and
   * nobody consumes it, so clients that come and go leave nothing behind.
   */
  public static final String REPLY_PREFIX = "_reply.";

  private QueueNames() {}

  /** The default done queue of {@code queue}. */
  public static String doneQueueOf(String queue) {
    return Validate.queue("done queue of '" + queue + "'", queue + DONE_SUFFIX);
  }

  public static boolean isReplyQueue(String queue) {
    return queue.startsWith(REPLY_PREFIX);
  }
}
