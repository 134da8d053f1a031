package dev.workq.bench.system;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replicated workq: three {@code workq broker --node nI --cluster ... --fsync always} processes on
 * loopback, each with its own client port, Raft port and data directory, and the same workers
 * and submitter as {@link WorkqSystem}. A put is confirmed once a majority of the three has it
 * durable (the Raft log fsynced on each), which is what NATS JetStream's three-replica row pays
 * too. Only the leader serves: the harness waits until one node accepts a client, and gives the
 * workers and the submitter every node's address, that leader's first, when this build's client
 * takes a list; a client without lists is given the leader alone (a follower would only redirect
 * it there).
 */
public final class WorkqClusterSystem extends WorkqSystem {

  static final int NODES = 3;

  private final List<Process> nodes = new ArrayList<>();
  private final List<String> clientAddresses = new ArrayList<>();
  private String leader;

  /** @param handler the handler the tasks ask for, as {@link WorkqSystem#WorkqSystem(String, String)} */
  public WorkqClusterSystem(String handler) {
    super("always", handler);
  }

  @Override
  public String name() {
    return "workq cluster r3";
  }

  @Override
  public String settings() {
    return NODES + " workq broker --node nI --cluster ... --fsync always (Raft, Apache Ratis; a put confirmed once a majority has it)"
        + "; workers: workq worker --concurrency " + (ctx == null ? "C" : ctx.concurrency()) + " --prefetch "
        + (ctx == null ? "P" : ctx.prefetch()) + ", handler " + handler + "; clients given " + (takesList() ? "every node, the leader first"
        : "the leader (this build's client takes one address)");
  }

  @Override
  protected void startBrokers() throws Exception {
    List<Integer> raftPorts = new ArrayList<>();
    List<String> members = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      clientAddresses.add("127.0.0.1:" + Procs.freePort());
      raftPorts.add(Procs.freePort());
      members.add("n" + (i + 1) + "=127.0.0.1:" + raftPorts.get(i));
    }
    for (int i = 0; i < NODES; i++) {
      String node = "n" + (i + 1);
      List<String> cmd = new ArrayList<>(List.of(ctx.javaCommand()));
      cmd.addAll(ctx.serverJvmArgs());
      cmd.addAll(List.of("-jar", jarPath(ctx), "broker", "--node", node, "--cluster", String.join(",", members),
          "--host", "127.0.0.1", "--port", clientAddresses.get(i).substring("127.0.0.1:".length()),
          "--data-dir", ctx.workDir().resolve("data-" + node).toString(), "--fsync", fsync));
      Process p = Procs.start(cmd, ctx.workDir().resolve("broker-" + node + ".log"), Map.of());
      processes.add(p);
      nodes.add(p);
    }
    for (int i = 0; i < NODES; i++) {
      Procs.waitForLog(ctx.workDir().resolve("broker-n" + (i + 1) + ".log"), "workq cluster node", Duration.ofSeconds(30), nodes.get(i));
    }
    int at = awaitLeader(Duration.ofSeconds(30));
    leader = clientAddresses.get(at);
    // The serving node counts as "the server" for profiles and memory figures.
    broker = nodes.get(at);
    List<String> ordered = new ArrayList<>(List.of(leader));
    clientAddresses.stream().filter(a -> !a.equals(leader)).forEach(ordered::add);
    address = takesList() ? String.join(",", ordered) : leader;
  }

  /**
   * A leader change (or the leader's core restarting) takes longer than a single broker's
   * restart: the workers wait as long as the client's failover does (30 s by default).
   */
  @Override
  protected int reconnectTimeoutSeconds() {
    return 30;
  }

  /** The index of the node that accepts a client (the leader), once one does. */
  private int awaitLeader(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < NODES; i++) {
        if (!nodes.get(i).isAlive()) {
          throw new IllegalStateException("workq node n" + (i + 1) + " exited with " + nodes.get(i).exitValue() + "; see " + ctx.workDir());
        }
        try (WorkqClient c = WorkqClient.connect(ClientOptions.builder().address(clientAddresses.get(i))
            .connectTimeout(Duration.ofSeconds(2)).build())) {
          c.stats();
          return i;
        } catch (RuntimeException e) {
          // A follower refuses the HELLO with NOT_LEADER; during the election every node does.
          last = e.getMessage();
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("workq cluster: no leader after " + timeout + " (last: " + last + "); see " + ctx.workDir());
  }

  /**
   * Whether this build's client takes a list of brokers: its options then have {@code brokers()}
   * (the client's cluster change; a single-address client reads a list as one bad host name).
   */
  private static boolean takesList() {
    try {
      ClientOptions.class.getMethod("brokers");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  @Override
  public Map<String, Process> processesByRole() {
    Map<String, Process> m = new LinkedHashMap<>();
    // By role, not node id: the leader is whichever node won this round's election.
    if (broker != null) {
      m.put("server-leader", broker);
    }
    int f = 0;
    for (Process p : nodes) {
      if (p != broker) {
        m.put("server-follower-" + ++f, p);
      }
    }
    for (int i = 0; i < workers.size(); i++) {
      m.put("worker-" + i, workers.get(i));
    }
    return m;
  }

  @Override
  public void close() {
    super.close();
    nodes.clear();
    clientAddresses.clear();
  }
}
