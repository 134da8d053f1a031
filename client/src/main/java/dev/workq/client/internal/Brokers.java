package dev.workq.client.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The brokers a client may dial, in the order its options list them, and the one that last
 * worked, where the next dial starts: after a failover that is the new leader, possibly an
 * address a follower's NOT_LEADER named that the list does not hold.
 */
final class Brokers {

  /** A broker's client address; {@link #toString()} is {@code HOST:PORT}, an IPv6 literal in brackets. */
  record Endpoint(String host, int port) {

    /** Parses {@code HOST:PORT} or {@code [V6]:PORT}; null if it is neither (a redirect we cannot follow). */
    static Endpoint parse(String hostPort) {
      int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) {
        return null;
      }
      String host = hostPort.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        return host.isBlank() || port < 1 || port > 65535 ? null : new Endpoint(host, port);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final List<Endpoint> list;
  private volatile Endpoint lastGood;

  /** {@code addresses} as {@code ClientOptions.brokers()} gives them: checked, so each parses. */
  Brokers(List<String> addresses) {
    List<Endpoint> parsed = new ArrayList<>(addresses.size());
    for (String a : addresses) {
      Endpoint e = Endpoint.parse(a);
      if (e == null) {
        throw new IllegalArgumentException("broker address must be HOST:PORT, got '" + a + "'");
      }
      parsed.add(e);
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("no broker address");
    }
    this.list = List.copyOf(parsed);
  }

  int size() {
    return list.size();
  }

  Endpoint get(int index) {
    return list.get(index);
  }

  /** Where to start: the broker that last worked, else the first of the list. */
  Endpoint start() {
    Endpoint e = lastGood;
    return e != null ? e : list.get(0);
  }

  /** The place of {@code e} in the list, or -1 (an address a redirect named). */
  int indexOf(Endpoint e) {
    return list.indexOf(e);
  }

  void worked(Endpoint e) {
    lastGood = e;
  }

  @Override
  public String toString() {
    return list.toString();
  }
}
