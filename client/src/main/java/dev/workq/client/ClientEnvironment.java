package dev.workq.client;

import dev.workq.protocol.auth.Authkey;
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
record ClientEnvironment(HostPort address, byte[] authkey, String brokerError, String authkeyError) {

  /** A parsed {@code HOST:PORT}, brackets of an IPv6 literal removed. */
  record HostPort(String host, int port) {}

  static ClientEnvironment read(Function<String, String> env) {
    HostPort address = null;
    String brokerError = null;
    String broker = env.apply(ClientOptions.ENV_BROKER);
    if (broker != null && !broker.isBlank()) {
      try {
        address = parseAddress(broker.strip());
      } catch (IllegalArgumentException e) {
        brokerError = ClientOptions.ENV_BROKER + " must be HOST:PORT with a port in 1..65535, got '" + broker + "'";
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
      throw new IllegalArgumentException("port must be 1..65535, got " + p);
    }
    return new HostPort(h, p);
  }
}
