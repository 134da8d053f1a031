package dev.workq.server.internal.cluster;

import dev.workq.protocol.ClusterInfo;
import dev.workq.server.BrokerException;
import dev.workq.server.BrokerOptions;
import dev.workq.server.ClusterOptions;
import dev.workq.server.DurabilityOptions;
import dev.workq.server.internal.BrokerMeters;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.CoreConfig;
import dev.workq.server.internal.core.Replica;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft side of a cluster node and its role changes. It owns the Ratis server, the
 * {@link ReplicaStateMachine} with the node's {@link Replica}, and what the client port does:
 * while this node leads it serves there (a broker around a core built from the replica, writing
 * to a {@link ReplicatedLog}); otherwise a {@link FollowerListener} sends peers to the leader.
 * Role changes run one at a time on the node's own thread, never on a Ratis thread; what the node
 * knows of the cluster is read through its {@link NodeView}.
 */
public final class RaftNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RaftNode.class);
  /** Every workq cluster is one Raft group; its id is fixed so that nodes need not be told it. */
  public static final RaftGroupId GROUP = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("workq-cluster".getBytes(StandardCharsets.UTF_8)));
  /** How often the role is checked against Raft's, besides the notifications. */
  private static final long RECONCILE_MS = 1000;

  /** What serving as leader started; closed when the node stops leading. */
  public interface Serving extends AutoCloseable {
    CompletableFuture<Void> closeFuture();

    @Override
    void close();
  }

  /** What a node that does not lead runs besides its client port's refusals; stopped when it leads. */
  @FunctionalInterface
  public interface Standby {
    /**
     * Starts it: {@code status} is this node's view, {@code notLeader} why it does not serve.
     *
     * @return what stops it
     * @throws RuntimeException caused by a {@code BindException} while its port is still taken
     */
    Listener start(Supplier<ClusterInfo> status, Supplier<String> notLeader);
  }

  /** What {@link Standby#start} started. */
  @FunctionalInterface
  public interface Listener extends AutoCloseable {
    @Override
    void close();
  }

  /** Starts serving: a broker with {@code options} around the core {@code core} makes. */
  @FunctionalInterface
  public interface Server {
    Serving start(BrokerOptions options, Function<BrokerMeters, BrokerCore> core);
  }

  private final BrokerOptions options;
  private final BrokerOptions servingOptions;
  private final ClusterOptions cluster;
  private final SslContext ssl;
  private final Server starter;
  private final Standby standby;
  private final RaftPeerId self;
  private final String advertise;
  private final Replica replica;
  private final ReplicaStateMachine machine;
  private final ScheduledExecutorService roles = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "workq-cluster-role");
    t.setDaemon(true);
    return t;
  });
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  /** Set once the Raft server is built; read by the status and redirects from any thread. */
  private volatile RaftServer server;
  private final NodeView view;
  /** Role thread only. */
  private Serving serving;
  private ReplicatedLog replicated;
  private FollowerListener follower;
  private Listener standing;
  private volatile boolean leading;
  private volatile boolean closing;

  private RaftNode(BrokerOptions options, ClusterOptions cluster, SslContext ssl, Server starter, Standby standby) {
    this.options = options;
    this.cluster = cluster;
    this.ssl = ssl;
    this.starter = starter;
    this.standby = standby;
    this.self = RaftPeerId.valueOf(cluster.nodeId());
    this.advertise = RaftSettings.advertise(options, cluster);
    this.servingOptions = BrokerOptions.builder()
        .listen(options.listen())
        .security(options.security())
        .durability(DurabilityOptions.builder().fsync(options.durability().fsync()).build())
        .delivery(options.delivery())
        .limits(options.limits())
        .http(options.http())
        .build();
    this.replica = new Replica(CoreConfig.of(servingOptions), System::currentTimeMillis);
    this.machine = new ReplicaStateMachine(replica, options.durability().compactMinBytes(), new ReplicaStateMachine.Events() {
      @Override
      public void leaderReady() {
        onRoleThread(RaftNode.this::lead);
      }

      @Override
      public void leaderChanged(RaftPeerId leaderId) {
        if (!self.equals(leaderId)) {
          onRoleThread(RaftNode.this::follow);
        }
      }
    });
    this.view = new NodeView(cluster, machine, () -> server);
  }

  /** Runs a role change on the role thread; none once the node is closing. */
  private void onRoleThread(Runnable change) {
    if (closing) {
      return;
    }
    try {
      roles.execute(() -> {
        try {
          change.run();
        } catch (RuntimeException e) {
          log.error("node {}: a role change failed: {}", cluster.nodeId(), e.toString(), e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closed in between: nothing to change any more.
    }
  }

  /**
   * Starts the Raft server and what a follower runs: the client port's listener and {@code standby}.
   * While leader, {@code starter} serves.
   */
  public static RaftNode start(BrokerOptions options, ClusterOptions cluster, SslContext ssl, Server starter, Standby standby) {
    RaftNode node = new RaftNode(options, cluster, ssl, starter, standby);
    try {
      node.roles.submit(node::follow).get(30, TimeUnit.SECONDS);
      node.startRaft();
      node.roles.scheduleWithFixedDelay(() -> node.onRoleThread(node::reconcile), RECONCILE_MS, RECONCILE_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      node.close();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      throw cause instanceof BrokerException b ? b : new BrokerException("cannot start cluster node " + cluster.nodeId() + ": "
          + cause.getMessage(), cause);
    }
    log.info("cluster node {} started: replication on {} ({}), clients on {}, members {}", cluster.nodeId(),
        cluster.replicationAddress(), cluster.tls(options.security()).mutual() ? "mutual TLS" : "plaintext", node.advertise,
        cluster.members());
    return node;
  }

  private void startRaft() throws IOException {
    Path raftDir = options.durability().dataDir().resolve("raft");
    RaftProperties p = RaftSettings.properties(options, cluster, raftDir);
    List<RaftPeer> peers = new ArrayList<>();
    cluster.members().forEach((id, address) -> peers.add(RaftPeer.newBuilder().setId(id).setAddress(address).build()));
    boolean formatted = Files.isDirectory(raftDir.resolve(GROUP.getUuid().toString()));
    server = RaftServer.newBuilder()
        .setParameters(RaftTransport.parameters(cluster.tls(options.security()), cluster.members()))
        .setServerId(self)
        .setGroup(RaftGroup.valueOf(GROUP, peers))
        .setProperties(p)
        .setStateMachine(machine)
        .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
        .build();
    server.start();
  }

  public String nodeId() {
    return cluster.nodeId();
  }

  public boolean serving() {
    return leading;
  }

  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  // ---- role changes, on the role thread ----

  private void lead() {
    if (closing || serving != null) {
      return;
    }
    DivisionInfo info = info();
    if (info == null || !info.isLeader()) {
      return;
    }
    long term = info.getCurrentTerm();
    ReplicatedLog log = new ReplicatedLog(server, GROUP, self, this::status, () -> onRoleThread(this::lostLog));
    try {
      // Serving starts only once this leader's first entry is committed: a majority follows it.
      log.start(cluster.nodeId(), advertise).get(cluster.electionTimeoutMax().toMillis() * 5, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.close();
      RaftNode.log.warn("node {} could not commit its first entry as leader of term {}: {}", cluster.nodeId(), term, e.toString());
      return;
    }
    closeFollower();
    try {
      serving = PortHandover.bind(() -> starter.start(servingOptions, meters -> {
        try {
          return BrokerCore.replicated(CoreConfig.of(servingOptions), replica, log, term, meters);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    } catch (RuntimeException e) {
      log.close();
      RaftNode.log.error("node {} is leader of term {} but cannot serve: {}", cluster.nodeId(), term, e.getMessage());
      follow();
      return;
    }
    replicated = log;
    leading = true;
    serving.closeFuture().whenComplete((v, e) -> {
      if (e != null && !closing) {
        RaftNode.log.error("node {} stopped serving after a fatal error; stopping the node", cluster.nodeId());
        new Thread(this::close, "workq-cluster-fatal-stop").start();
        closed.completeExceptionally(e);
      }
    });
    RaftNode.log.info("node {} is the leader of term {}: serving {} items on {}", cluster.nodeId(), term, replica.items(), advertise);
  }

  /**
   * Makes the role what Raft says it is, should a notification have been missed or a start as
   * leader have failed (its first entry not committed in time, say): a ready leader that does not
   * serve tries again, and a node that serves but no longer leads stops. Without this, a leader
   * whose start failed once would hold the leadership without serving until the next election.
   */
  private void reconcile() {
    DivisionInfo info = info();
    if (info == null || closing) {
      return;
    }
    if (serving == null && info.isLeader() && info.isLeaderReady()) {
      log.info("node {} leads term {} but does not serve yet; starting again", cluster.nodeId(), info.getCurrentTerm());
      lead();
    } else if (serving != null && !info.isLeader()) {
      follow();
    } else if (serving == null && !info.isLeader() && (follower == null || standing == null)) {
      // A follower whose listener could not bind at its last change: try again.
      follow();
    }
  }

  private void follow() {
    stopServing();
    if (closing) {
      return;
    }
    if (follower == null) {
      follower = PortHandover.bind(() -> FollowerListener.start(options.listen(), ssl, view::redirect));
    }
    if (standing == null) {
      standing = PortHandover.bind(() -> standby.start(this::status, () -> view.redirect().message()));
    }
  }

  private void stopServing() {
    if (replicated != null) {
      replicated.close();
      replicated = null;
    }
    if (serving != null) {
      leading = false;
      serving.close();
      serving = null;
      log.info("node {} stopped serving", cluster.nodeId());
    }
  }

  /**
   * The log refused an entry while this node may still lead (a full pending queue, say): the core
   * is dropped, and if still leader, a new one is built once the replica has every entry this
   * node wrote, so the new core starts from exactly what the log holds.
   */
  private void lostLog() {
    follow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!closing && System.nanoTime() < deadline) {
      DivisionInfo info = info();
      if (info == null || !info.isLeader()) {
        return;
      }
      try {
        long last = server.getDivision(GROUP).getRaftLog().getLastEntryTermIndex().getIndex();
        if (info.getLastAppliedIndex() >= last) {
          lead();
          return;
        }
        Thread.sleep(20);
      } catch (IOException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void closeFollower() {
    if (follower != null) {
      follower.close();
      follower = null;
    }
    if (standing != null) {
      standing.close();
      standing = null;
    }
  }

  private DivisionInfo info() {
    return view.info();
  }

  /** This node's view of the cluster. */
  public ClusterInfo status() {
    return view.status();
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      roles.submit(() -> {
        stopServing();
        closeFollower();
      }).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("node {} did not stop serving cleanly: {}", cluster.nodeId(), e.toString());
    }
    roles.shutdown();
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        log.warn("the Raft server of node {} did not close cleanly: {}", cluster.nodeId(), e.toString());
      }
    }
    closed.complete(null);
    log.info("cluster node {} stopped", cluster.nodeId());
  }
}
