package dev.workq.cli;

import dev.workq.client.ClientOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every client command shares: where the broker is, the authkey, and TLS. Mapped
 * onto {@link ClientOptions}, whose builder also supplies the defaults from {@code $WORKQ_BROKER}
 * and {@code $WORKQ_AUTHKEY}: one reading of the environment for the CLI and for Java programs.
 */
public final class BrokerAddress {

  @Option(names = "--broker", paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "The broker to connect to, or a comma-separated list of a cluster's nodes, tried in turn (a follower"
          + " redirects to the leader; with several, a lost connection fails over to the new leader)"
          + " (default: $WORKQ_BROKER, else 127.0.0.1:7070).")
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

  /**
   * These flags as given, to repeat in a command this one prints for the user to run (empty when
   * none was given: the environment then applies to both).
   */
  public String flags() {
    StringBuilder sb = new StringBuilder();
    append(sb, "--broker", broker);
    append(sb, "--authkey-file", authkeyFile);
    if (tls) {
      sb.append(" --tls");
    }
    append(sb, "--tls-ca", tlsCa);
    append(sb, "--tls-cert", tlsCert);
    append(sb, "--tls-key", tlsKey);
    return sb.toString();
  }

  private static void append(StringBuilder sb, String flag, Object value) {
    if (value != null) {
      sb.append(' ').append(flag).append(' ').append(value);
    }
  }

  /**
   * Client options for this address, key and TLS, the environment filling in what the flags do
   * not say; a malformed address, variable or unusable key is a usage error.
   */
  public ClientOptions.Builder options() {
    try {
      ClientOptions.Builder b = ClientOptions.builder();
      if (broker != null) {
        b.address(broker);
      }
      if (authkeyFile != null) {
        b.authkeyFile(authkeyFile);
      }
      b.tls(tls).tlsCa(tlsCa).tlsClientCert(tlsCert, tlsKey);
      // Building once here turns a malformed $WORKQ_BROKER or $WORKQ_AUTHKEY into a usage error
      // now, rather than an exception wherever the caller builds.
      b.build();
      return b;
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    }
  }
}
