package dev.workq.protocol;

/**
 * One item in a {@link QueuePeekOk}.
 *
 * @param state READY, or DELAYED / RETRYING with {@code notBefore} set
 * @param bytes the payload's length
 * @param preview the payload's first {@link #PREVIEW_BYTES} bytes as text (JSON by convention),
 *     cut at a character boundary
 */
public record PeekedItem(String id, ItemKind kind, String handler, int priority, TaskState state, int attempts,
    Long notBefore, int bytes, String preview) {

  /** How much of each payload a peek shows. */
  public static final int PREVIEW_BYTES = 256;
}
