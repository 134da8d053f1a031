package dev.workq.cli;

import dev.workq.client.ClientOptions;
import dev.workq.protocol.auth.Authkey;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every client command shares: where the broker is, the authkey, and TLS. Mapped
 * onto {@link ClientOptions}.
 */
public final class BrokerAddress {

  @Option(names = "--broker", paramLabel = "HOST:PORT", defaultValue = "${env:WORKQ_BROKER:-127.0.0.1:7070}",
      description = "The broker to connect to (default: $WORKQ_BROKER or ${DEFAULT-VALUE}).")
  String broker;

  @Option(names = "--authkey-file", paramLabel = "FILE",
      description = "File holding the shared authkey (not readable by other users); default: $WORKQ_AUTHKEY, else no key.")
  Path authkeyFile;

  @Option(names = "--tls", description = "Connect with TLS, verifying the broker's certificate and host name.")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "CA certificates to trust for the broker's certificate (implies --tls; default: the JVM's).")
  Path tlsCa;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Client certificate, for a broker that requires one (implies --tls).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 PEM) of --tls-cert.")
  Path tlsKey;

  /** Client options for this address, key and TLS; a malformed address or unusable key is a usage error. */
  public ClientOptions.Builder options() {
    try {
      return ClientOptions.builder().address(broker)
          .authkey(Authkey.resolve(authkeyFile, System.getenv(Authkey.ENV)))
          .tls(tls)
          .tlsCa(tlsCa)
          .tlsClientCert(tlsCert, tlsKey);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    }
  }

  public String value() {
    return broker;
  }
}
