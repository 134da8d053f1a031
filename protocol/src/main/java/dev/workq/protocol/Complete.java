package dev.workq.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A worker finished task delivery {@code tag}: the broker removes the task and, in one step, puts
 * {@code result} (the result record, JSON) on the task's reply queue.
 *
 * @param ok whether the handler succeeded; the broker reads this instead of parsing the result
 * @param error when not ok, the error (exception class and message) for the dead-letter history
 * @param permanent when not ok, true if retrying cannot help (a payload that does not fit its
 *     handler): the task goes to the dead letters at once
 * @param retryMs when not ok and not permanent, the earliest the next attempt may start, in ms
 *     from now (the handler's own backoff); null means the broker's backoff. At most
 *     {@value #MAX_RETRY_MS} (one day)
 */
@JsonIgnoreProperties({"result"})
public record Complete(long tag, boolean ok, String error, boolean permanent, Long retryMs, Payload result)
    implements Message, PayloadMessage {

  public Complete {
    result = result == null ? Payload.EMPTY : result;
    if (error != null && error.length() > MAX_ERROR) {
      error = error.substring(0, MAX_ERROR);
    }
    if (retryMs != null && (retryMs < 0 || retryMs > MAX_RETRY_MS)) {
      throw new IllegalArgumentException("retryMs must be 0.." + MAX_RETRY_MS + ", got " + retryMs);
    }
  }

  /** A completion that leaves the next attempt's time to the broker. */
  public Complete(long tag, boolean ok, String error, boolean permanent, Payload result) {
    this(tag, ok, error, permanent, null, result);
  }

  /** The longest backoff a worker may ask for: one day. */
  public static final long MAX_RETRY_MS = 86_400_000;

  /** Longest error text kept, in characters. */
  public static final int MAX_ERROR = 2000;

  @Override
  public Payload payload() {
    return result;
  }

  @Override
  public Complete withPayload(Payload payload) {
    return new Complete(tag, ok, error, permanent, retryMs, payload);
  }
}
