package dev.workq.protocol;

/**
 * An error. {@code corr} names the request it answers, or is 0 when it answers none (a bad frame,
 * a settlement). An error about a settlement (ACK, COMPLETE, RELEASE) names the delivery in
 * {@code tag} instead, so a peer can match it without reading the message. After a fatal error
 * the broker closes the connection.
 *
 * @param tag the delivery tag of the ACK, COMPLETE or RELEASE refused; null for any other error
 * @param leader for {@link ErrorCode#NOT_LEADER}: the cluster leader's client address,
 *     {@code host:port}, when the broker knows it; null otherwise
 */
public record ErrorReply(long corr, ErrorCode code, String message, boolean fatal, Long tag, String leader) implements Message {

  public ErrorReply {
    if (code == null) {
      code = ErrorCode.INTERNAL_ERROR;
    }
    message = message == null ? "" : message;
  }

  /** An error about a request ({@code corr}) or about none (0). */
  public ErrorReply(long corr, ErrorCode code, String message, boolean fatal) {
    this(corr, code, message, fatal, null, null);
  }

  /** An error naming a delivery (or none: null), without a leader. */
  public ErrorReply(long corr, ErrorCode code, String message, boolean fatal, Long tag) {
    this(corr, code, message, fatal, tag, null);
  }

  /** A follower's fatal refusal of {@code corr}'s HELLO, naming the leader's address (null: unknown). */
  public static ErrorReply notLeader(long corr, String message, String leaderAddress) {
    return new ErrorReply(corr, ErrorCode.NOT_LEADER, message, true, null, leaderAddress);
  }

  /** A non-fatal refusal of the settlement of delivery {@code tag}. */
  public static ErrorReply aboutDelivery(long tag, ErrorCode code, String message) {
    return new ErrorReply(0, code, message, false, tag);
  }

  /** The one-line form people see: {@code QUEUE_FULL: queue 'a' holds 10 items (max-length 10)}. */
  public String describe() {
    return code + ": " + message;
  }
}
