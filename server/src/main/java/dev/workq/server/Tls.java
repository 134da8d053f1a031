package dev.workq.server;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;

/** Builds the broker's TLS context from PEM files, failing with a one-line {@link BrokerException}. */
final class Tls {

  private Tls() {}

  static SslContext serverContext(SecurityOptions options) {
    for (var f : new java.nio.file.Path[] {options.tlsCert(), options.tlsKey(), options.tlsClientCa()}) {
      if (f != null && !Files.isReadable(f)) {
        throw new BrokerException("cannot read TLS file " + f);
      }
    }
    try {
      SslContextBuilder b = SslContextBuilder.forServer(options.tlsCert().toFile(), options.tlsKey().toFile())
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2");
      if (options.tlsClientCa() != null) {
        b.trustManager(options.tlsClientCa().toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
      throw new BrokerException("cannot set up TLS from " + options.tlsCert() + " and " + options.tlsKey() + ": " + why, e);
    }
  }
}
