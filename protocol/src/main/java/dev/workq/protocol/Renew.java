package dev.workq.protocol;

/**
 * Renews the leases of deliveries the sender still holds, so a long task is never taken away from
 * a healthy worker. Each lease is extended by its own lease time from now. Tags the sender no
 * longer holds (the lease already expired) are ignored. No answer.
 */
public record Renew(long[] tags) implements Message {

  /** The most tags in one RENEW. */
  public static final int MAX_TAGS = 65_536;

  public Renew {
    tags = tags == null ? new long[0] : tags.clone();
    if (tags.length > MAX_TAGS) {
      throw new IllegalArgumentException("tags: at most " + MAX_TAGS + ", got " + tags.length);
    }
  }

  @Override
  public long[] tags() {
    return tags.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Renew r && java.util.Arrays.equals(tags, r.tags);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(tags);
  }

  @Override
  public String toString() {
    return "Renew[" + tags.length + " tags]";
  }
}
