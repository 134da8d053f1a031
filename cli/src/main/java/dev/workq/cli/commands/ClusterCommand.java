package dev.workq.cli.commands;

import dev.workq.cli.CliFailure;
import dev.workq.cli.Logging;
import dev.workq.cli.Workq;
import dev.workq.server.BrokerException;
import dev.workq.server.ClusterAdmin;
import dev.workq.server.ClusterOptions;
import dev.workq.server.RaftTls;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workq cluster add|remove}: changes a running cluster's membership over the members'
 * replication addresses. Replacing a dead machine is an add of the new node, then a remove of
 * the dead one (docs/ARCHITECTURE.md, "Replacing a node").
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Change a running cluster's members (over their replication addresses).",
    subcommands = {ClusterCommand.Add.class, ClusterCommand.Remove.class})
public final class ClusterCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new CliFailure("say what to change: workq cluster add ID=HOST:PORT --cluster ..., or workq cluster remove ID --cluster ...",
        Workq.EXIT_USAGE);
  }

  /** The members as they are now. */
  static Map<String, String> members(String spec) {
    try {
      return ClusterOptions.parseMembers(spec);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    }
  }

  /** The members as they are now, and how {@code workq cluster} reaches them: the cluster's mutual TLS, or plaintext. */
  static final class RaftAccess {
    @Option(names = "--cluster", required = true, paramLabel = "ID=HOST:PORT,...", description = "The members as they are now.")
    String cluster;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "A certificate the cluster's CA signed (the nodes' own will do).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 PEM) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--cluster-ca", paramLabel = "PEM", description = "The CA that signed the nodes' certificates (their --cluster-ca).")
    Path clusterCa;

    @Option(names = "--insecure", description = "Talk plaintext Raft to members that are not on loopback (the nodes run with --insecure).")
    boolean insecure;

    Map<String, String> members() {
      return ClusterCommand.members(cluster);
    }

    RaftTls tls() {
      try {
        if ((tlsCert == null) != (tlsKey == null)) {
          throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return new RaftTls(tlsCert, tlsKey, clusterCa, insecure);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
      }
    }
  }

  /**
   * Carries out one membership change and prints the members after it: a refusal of the input is
   * a usage error (2), a refusal by the cluster or no answer from it a failure (1).
   */
  static int change(String what, java.util.function.Supplier<Map<String, String>> change) {
    Map<String, String> members;
    try {
      members = change.get();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), Workq.EXIT_USAGE);
    } catch (BrokerException e) {
      throw new CliFailure(e.getMessage(), 1);
    }
    StringBuilder sb = new StringBuilder();
    members.forEach((id, address) -> sb.append(sb.length() == 0 ? "" : ",").append(id).append('=').append(address));
    System.out.println(what + "; the members are now " + sb + " (give this as --cluster from now on)");
    return 0;
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a node, already started with --cluster listing every member and itself; the leader brings it up to date first.")
  static final class Add implements Callable<Integer> {
    @Parameters(paramLabel = "ID=HOST:PORT", description = "The new node's id and replication address.")
    String node;

    @Mixin
    RaftAccess access;

    @Override
    public Integer call() {
      Logging.command();
      Map<String, String> current = access.members();
      int eq = node.indexOf('=');
      if (eq <= 0) {
        throw new CliFailure("the node to add must be ID=HOST:PORT, got '" + node + "'", Workq.EXIT_USAGE);
      }
      return change("added " + node.substring(0, eq),
          () -> ClusterAdmin.add(current, node.substring(0, eq), node.substring(eq + 1), access.tls()));
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a node (a dead one too, as long as a majority of the others is up); a removed leader hands over.")
  static final class Remove implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The node to remove.")
    String node;

    @Mixin
    RaftAccess access;

    @Override
    public Integer call() {
      Logging.command();
      Map<String, String> current = access.members();
      return change("removed " + node, () -> ClusterAdmin.remove(current, node, access.tls()));
    }
  }
}
