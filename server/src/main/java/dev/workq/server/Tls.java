package dev.workq.server;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;

/**
 * Builds the broker's TLS contexts from PEM files, failing with a one-line {@link BrokerException}.
 * Every TLS server the broker runs speaks TLSv1.3 only: TLSv1.3 has no renegotiation at all, so a
 * client cannot start one (the JDK's {@code jdk.tls.rejectClientInitiatedRenegotiation} would do
 * it for TLSv1.2 too, but it is a JVM-wide property read once, which a library cannot rely on).
 * Our client, Java 11+, browsers and Prometheus all speak TLSv1.3.
 */
final class Tls {

  /** The only protocol offered. */
  static final String PROTOCOL = "TLSv1.3";

  private Tls() {}

  /** The broker port's context: mutual TLS when {@link SecurityOptions#tlsClientCa()} is set. */
  static SslContext serverContext(SecurityOptions options) {
    return serverContext(options.tlsCert(), options.tlsKey(), options.tlsClientCa());
  }

  /**
   * The HTTP port's context: no client certificates (its tokens say who may do what, and
   * browsers and Prometheus would each need one otherwise).
   */
  static SslContext httpContext(java.nio.file.Path cert, java.nio.file.Path key) {
    return serverContext(cert, key, null);
  }

  private static SslContext serverContext(java.nio.file.Path cert, java.nio.file.Path key, java.nio.file.Path clientCa) {
    for (var f : new java.nio.file.Path[] {cert, key, clientCa}) {
      if (f != null && !Files.isReadable(f)) {
        throw new BrokerException("cannot read TLS file " + f);
      }
    }
    try {
      SslContextBuilder b = SslContextBuilder.forServer(cert.toFile(), key.toFile())
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOL);
      if (clientCa != null) {
        b.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
      throw new BrokerException("cannot set up TLS from " + cert + " and " + key + ": " + why, e);
    }
  }
}
