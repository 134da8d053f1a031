package dev.workq.client.internal;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a client's TLS context from PEM files, failing with a one-line {@link WorkqException}. */
final class Tls {

  private Tls() {}

  static SslContext clientContext(ClientOptions options) {
    for (Path f : new Path[] {options.tlsCa(), options.tlsCert(), options.tlsKey()}) {
      if (f != null && !Files.isReadable(f)) {
        throw new WorkqException("cannot read TLS file " + f);
      }
    }
    try {
      SslContextBuilder b = SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          // Check the certificate names the host we dial, as HTTPS does; without this any
          // certificate from a trusted CA would do.
          .endpointIdentificationAlgorithm("HTTPS");
      if (options.tlsCa() != null) {
        b.trustManager(options.tlsCa().toFile());
      }
      if (options.tlsCert() != null) {
        b.keyManager(options.tlsCert().toFile(), options.tlsKey().toFile());
      }
      return b.build();
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
      throw new WorkqException("cannot set up TLS: " + why, e);
    }
  }
}
