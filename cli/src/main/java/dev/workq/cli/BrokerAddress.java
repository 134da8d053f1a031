package dev.workq.cli;

import dev.workq.client.ClientOptions;
import picocli.CommandLine.Option;

/** The {@code --broker HOST:PORT} option shared by every client command. */
public final class BrokerAddress {

  @Option(names = "--broker", paramLabel = "HOST:PORT", defaultValue = "${env:WORKQ_BROKER:-127.0.0.1:7070}",
      description = "The broker to connect to (default: $WORKQ_BROKER or ${DEFAULT-VALUE}).")
  String broker;

  /** Client options for this address; a malformed address is a usage error. */
  public ClientOptions.Builder options() {
    try {
      return ClientOptions.builder().address(broker);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    }
  }

  public String value() {
    return broker;
  }
}
