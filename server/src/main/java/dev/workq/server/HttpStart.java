package dev.workq.server;

import dev.workq.server.internal.http.HttpAccess;
import io.netty.handler.ssl.SslContext;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the broker checks and prepares before it serves HTTP, so that the monitoring plane is never
 * weaker than the broker port:
 * <ul>
 *   <li>HTTPS whenever there is a certificate ({@link HttpOptions#tlsCert()}, else the broker's);
 *       plaintext on a loopback address only, else the start is refused;</li>
 *   <li>tokens on any non-loopback address and beside any broker with an authkey, else refused;</li>
 *   <li>no token equal to the authkey: a scraper or a dashboard must never hold the key that runs tasks;</li>
 *   <li>the Host names it answers for.</li>
 * </ul>
 * Runs on the starting thread (the host-name lookups may block), never on an event loop.
 */
final class HttpStart {

  /** The checked setup: who may ask, and the TLS context (null for plaintext). */
  record Prepared(HttpAccess access, SslContext ssl) {}

  private HttpStart() {}

  /** @throws BrokerException with a one-line reason when this HTTP setup would expose what the broker port protects */
  static Prepared prepare(BrokerOptions options) {
    HttpOptions http = options.http();
    SecurityOptions security = options.security();
    String host = options.listen().host();
    String where = host + ":" + http.port();
    InetAddress bound = resolve(host);
    boolean loopback = bound != null && bound.isLoopbackAddress();
    Path cert = http.tlsCert() != null ? http.tlsCert() : security.tlsCert();
    Path key = http.tlsCert() != null ? http.tlsKey() : security.tlsKey();
    if (cert == null && !loopback) {
      throw new BrokerException("refusing to serve HTTP on " + where + " in plaintext: its tokens and every queue's data would cross "
          + "the network in clear; give --tls-cert and --tls-key (the HTTP port then speaks HTTPS), or --host 127.0.0.1");
    }
    if (!http.hasTokens() && (!loopback || security.authkey() != null)) {
      throw new BrokerException("refusing to serve HTTP on " + where + " without tokens: "
          + (loopback ? "the broker has an authkey, and its HTTP port must not be open where the broker port is not"
              : "anyone who can reach it could read every queue, pause queues and purge dead letters")
          + "; give --http-token-file (reads, /metrics) and --http-admin-token-file (actions)");
    }
    byte[] authkey = security.authkey();
    if (authkey != null) {
      refuseAuthkey(http.readToken(), authkey, "read");
      refuseAuthkey(http.adminToken(), authkey, "admin");
    }
    Set<String> hosts = allowedHosts(host, bound, http);
    SslContext ssl = cert == null ? null : Tls.httpContext(cert, key);
    return new Prepared(new HttpAccess(http.readToken(), http.adminToken(), hosts, ssl != null), ssl);
  }

  private static void refuseAuthkey(byte[] token, byte[] authkey, String which) {
    if (token != null && MessageDigest.isEqual(token, authkey)) {
      throw new BrokerException("the HTTP " + which + " token is the authkey: give the HTTP port its own tokens, so that no "
          + "dashboard or Prometheus server holds the key that submits and runs tasks");
    }
  }

  private static InetAddress resolve(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null; // binding reports the unknown host
    }
  }

  /**
   * The Host names answered: the bound address, localhost, 127.0.0.1, [::1], this machine's host
   * name, each interface's address when bound to a wildcard address, and {@link HttpOptions#allowedHosts()}.
   */
  static Set<String> allowedHosts(String host, InetAddress bound, HttpOptions http) {
    Set<String> names = new LinkedHashSet<>();
    names.add(hostForm(host));
    names.add("localhost");
    names.add("127.0.0.1");
    names.add("[::1]");
    try {
      InetAddress local = InetAddress.getLocalHost();
      names.add(local.getHostName().toLowerCase(Locale.ROOT));
      names.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
    } catch (UnknownHostException e) {
      // No name for this machine: the others still stand.
    }
    if (bound != null && bound.isAnyLocalAddress()) {
      try {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            names.add(address(a));
          }
        }
      } catch (SocketException e) {
        // Without the list, only the names above and --http-allow-host are answered.
      }
    }
    names.addAll(http.allowedHosts());
    return names;
  }

  /** A host as a Host header names it: IPv6 literals in brackets, lower case. */
  private static String hostForm(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h;
  }

  private static String address(InetAddress a) {
    String s = a.getHostAddress();
    if (a instanceof Inet6Address) {
      int scope = s.indexOf('%');
      return "[" + (scope < 0 ? s : s.substring(0, scope)) + "]";
    }
    return s;
  }
}
