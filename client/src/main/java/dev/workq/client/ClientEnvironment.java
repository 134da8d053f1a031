package dev.workq.client;

import dev.workq.protocol.auth.Authkey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What the environment says about reaching the broker ({@value ClientOptions#ENV_BROKER},
 * {@value ClientOptions#ENV_AUTHKEY}), read once for a {@link ClientOptions.Builder}, and the
 * {@code HOST:PORT} syntax both the variable and {@link ClientOptions.Builder#address} use. A
 * malformed variable is kept as an error message rather than thrown: the builder reports it only
 * if the program does not set that option itself.
 *
 * @param address the broker's address from the environment, or null
 * @param authkey the key from the environment, or null
 * @param brokerError why {@value ClientOptions#ENV_BROKER} is unusable, or null
 * @param authkeyError why {@value ClientOptions#ENV_AUTHKEY} is unusable, or null
 */
record ClientEnvironment(List<HostPort> address, byte[] authkey, String brokerError, String authkeyError) {

  /** A parsed {@code HOST:PORT}, brackets of an IPv6 literal removed. */
  record HostPort(String host, int port) {

    /** {@code HOST:PORT} again, an IPv6 literal in brackets, as {@link #parseAddress} reads it. */
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  static ClientEnvironment read(Function<String, String> env) {
    List<HostPort> address = null;
    String brokerError = null;
    String broker = env.apply(ClientOptions.ENV_BROKER);
    if (broker != null && !broker.isBlank()) {
      try {
        address = parseAddresses(broker.strip());
      } catch (IllegalArgumentException e) {
        brokerError = ClientOptions.ENV_BROKER + " must be HOST:PORT with a port in 1..65535, got '" + broker + "' ("
            + (broker.indexOf(',') < 0 ? "or, for a cluster, a comma-separated list of them)" : e.getMessage() + ")");
      }
    }
    byte[] authkey = null;
    String authkeyError = null;
    String key = env.apply(ClientOptions.ENV_AUTHKEY);
    if (key != null) {
      try {
        authkey = Authkey.resolve(null, key);
      } catch (IllegalArgumentException e) {
        authkeyError = e.getMessage();
      }
    }
    return new ClientEnvironment(address, authkey, brokerError, authkeyError);
  }

  /**
   * Parses {@code H1:P1,H2:P2,...}: one address or more, in order, spaces around the commas
   * allowed. An empty, malformed or repeated entry fails with a message naming it and its place.
   */
  static List<HostPort> parseAddresses(String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException("broker address must be HOST:PORT or a comma-separated list of them, got '" + list + "'");
    }
    String[] entries = list.split(",", -1);
    List<HostPort> parsed = new ArrayList<>(entries.length);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      String where = entries.length == 1 ? "" : "broker " + (i + 1) + " of " + entries.length + " in '" + list + "': ";
      if (entry.isEmpty()) {
        throw new IllegalArgumentException(where + "empty entry");
      }
      HostPort hp;
      try {
        hp = parseAddress(entry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage());
      }
      if (!seen.add(hp.toString())) {
        throw new IllegalArgumentException(where + "'" + entry + "' is listed twice");
      }
      parsed.add(hp);
    }
    return List.copyOf(parsed);
  }

  /** Parses {@code HOST:PORT} ({@code [::1]:7070} for an IPv6 literal); both parts are checked before either is used. */
  static HostPort parseAddress(String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("broker address must be HOST:PORT, got '" + hostPort + "'");
    }
    String h = hostPort.substring(0, colon);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    int p;
    try {
      p = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("broker address must be HOST:PORT, got '" + hostPort + "'");
    }
    if (h.isBlank()) {
      throw new IllegalArgumentException("broker address must be HOST:PORT, got '" + hostPort + "'");
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + p + " in '" + hostPort + "'");
    }
    return new HostPort(h, p);
  }
}
