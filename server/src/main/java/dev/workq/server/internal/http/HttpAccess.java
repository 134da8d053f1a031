package dev.workq.server.internal.http;

import java.util.Set;

/**
 * Who may use the HTTP plane and under which names it answers: the read and admin bearer tokens
 * (null when not set; both null leaves the plane open, which the broker allows on loopback beside
 * a broker without an authkey only), the {@code Host} names it answers for (lower case, no port),
 * and whether it speaks HTTPS (the scheme of its own origin).
 */
public record HttpAccess(byte[] readToken, byte[] adminToken, Set<String> allowedHosts, boolean https) {

  public HttpAccess {
    readToken = readToken == null ? null : readToken.clone();
    adminToken = adminToken == null ? null : adminToken.clone();
    allowedHosts = Set.copyOf(allowedHosts);
  }

  /** Whether requests need a token at all. */
  boolean open() {
    return readToken == null && adminToken == null;
  }
}
