package dev.workq.server.internal.cluster;

import dev.workq.server.BrokerException;
import dev.workq.server.BrokerOptions;
import dev.workq.server.ClusterOptions;
import dev.workq.protocol.ClusterInfo;
import dev.workq.server.DurabilityOptions;
import dev.workq.server.FsyncPolicy;
import dev.workq.server.internal.BrokerMeters;
import dev.workq.server.internal.core.BrokerCore;
import dev.workq.server.internal.core.CoreConfig;
import dev.workq.server.internal.core.Replica;
import io.netty.handler.ssl.SslContext;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft side of a cluster node and its role changes. It owns the Ratis server, the
 * {@link ReplicaStateMachine} with the node's {@link Replica}, and what the client port does:
 * while this node leads it serves there (a broker around a core built from the replica, writing
 * to a {@link ReplicatedLog}); otherwise a {@link FollowerListener} sends peers to the leader.
 * Role changes run one at a time on the node's own thread, never on a Ratis thread.
 */
public final class RaftNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RaftNode.class);
  /** Every workq cluster is one Raft group; its id is fixed so that nodes need not be told it. */
  public static final RaftGroupId GROUP = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("workq-cluster".getBytes(StandardCharsets.UTF_8)));
  /** Binding the client port again right after the other role let it go: tries, 100 ms apart. */
  private static final int BIND_TRIES = 50;

  /** What serving as leader started; closed when the node stops leading. */
  public interface Serving extends AutoCloseable {
    CompletableFuture<Void> closeFuture();

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
  private final RaftPeerId self;
  private final String advertise;
  private final Replica replica = new Replica();
  private final ReplicaStateMachine machine;
  private final ExecutorService roles = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "workq-cluster-role");
    t.setDaemon(true);
    return t;
  });
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private RaftServer server;
  /** Role thread only. */
  private Serving serving;
  private ReplicatedLog replicated;
  private FollowerListener follower;
  private volatile boolean leading;
  private volatile boolean closing;

  private RaftNode(BrokerOptions options, ClusterOptions cluster, SslContext ssl, Server starter) {
    this.options = options;
    this.cluster = cluster;
    this.ssl = ssl;
    this.starter = starter;
    this.self = RaftPeerId.valueOf(cluster.nodeId());
    this.advertise = advertise(options, cluster);
    this.servingOptions = BrokerOptions.builder()
        .listen(options.listen())
        .security(options.security())
        .durability(DurabilityOptions.builder().fsync(options.durability().fsync()).build())
        .delivery(options.delivery())
        .limits(options.limits())
        .http(options.http())
        .build();
    this.machine = new ReplicaStateMachine(replica, new ReplicaStateMachine.Events() {
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

  /** Starts the Raft server and the follower's listener. */
  public static RaftNode start(BrokerOptions options, ClusterOptions cluster, SslContext ssl, Server starter) {
    RaftNode node = new RaftNode(options, cluster, ssl, starter);
    try {
      node.roles.submit(node::follow).get(30, TimeUnit.SECONDS);
      node.startRaft();
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
    RaftProperties p = properties(raftDir);
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

  private RaftProperties properties(Path raftDir) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
    String address = cluster.replicationAddress();
    int colon = address.lastIndexOf(':');
    GrpcConfigKeys.Server.setHost(p, address.substring(0, colon));
    GrpcConfigKeys.Server.setPort(p, Integer.parseInt(address.substring(colon + 1)));
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, duration(cluster.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, duration(cluster.electionTimeoutMax()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, duration(cluster.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, duration(cluster.electionTimeoutMax()));
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, duration(cluster.leaderStepDown()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, cluster.snapshotEntries());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    // An entry holds up to 4 MiB of records, or one record of up to a frame: the log's buffers,
    // segments and gRPC messages must each take the largest entry.
    long entry = Math.max(ReplicatedLog.MAX_BYTES, options.listen().maxFrame()) + (1L << 20);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entry));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(entry + 1024));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(Math.max(64L << 20, 4 * entry)));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(entry + (1L << 20)));
    // ALWAYS: each member forces its log before it acknowledges an entry (Ratis's default).
    // BATCH and NEVER: members acknowledge what is written to the OS, forced behind.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, options.durability().fsync() != FsyncPolicy.ALWAYS);
    return p;
  }

  private static TimeDuration duration(java.time.Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The client address peers are sent to while this node leads. */
  private static String advertise(BrokerOptions options, ClusterOptions cluster) {
    if (cluster.advertise() != null) {
      return cluster.advertise();
    }
    String host = options.listen().host();
    try {
      if (InetAddress.getByName(host).isAnyLocalAddress()) {
        String replication = cluster.replicationAddress();
        host = replication.substring(0, replication.lastIndexOf(':'));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return host + ":" + options.listen().port();
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
      serving = bindRetrying(() -> starter.start(servingOptions, meters -> {
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

  private void follow() {
    stopServing();
    if (closing || follower != null) {
      return;
    }
    try {
      follower = bindRetrying(() -> {
        try {
          return FollowerListener.start(options.listen(), ssl, this::redirect);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      });
    } catch (RuntimeException e) {
      throw new BrokerException("cannot listen on " + options.listen().host() + ":" + options.listen().port() + ": "
          + e.getMessage(), e);
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
  }

  private static <T> T bindRetrying(java.util.function.Supplier<T> bind) {
    RuntimeException last = null;
    for (int i = 0; i < BIND_TRIES; i++) {
      try {
        return bind.get();
      } catch (RuntimeException e) {
        if (!(e.getCause() instanceof java.net.BindException) && !(e instanceof dev.workq.server.BrokerException
            && String.valueOf(e.getMessage()).contains("in use"))) {
          throw e;
        }
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }

  /** What a follower tells a peer. */
  private FollowerListener.Redirect redirect() {
    DivisionInfo info = info();
    RaftPeerId leader = info == null ? null : info.getLeaderId();
    ReplicaStateMachine.Announced a = machine.announced();
    String me = "broker " + cluster.nodeId();
    if (leader != null && !leader.equals(self) && a != null && a.nodeId().equals(leader.toString())) {
      return new FollowerListener.Redirect(me + " is a follower; the leader is " + leader + " at " + a.clientAddress(),
          a.clientAddress());
    }
    if (leader != null && leader.equals(self)) {
      return new FollowerListener.Redirect(me + " was just elected leader and is not serving yet; try again shortly", null);
    }
    return new FollowerListener.Redirect(me + " knows no leader yet (an election is under way, or no majority of "
        + cluster.members().size() + " members is reachable); try another member, or again shortly", null);
  }

  private DivisionInfo info() {
    try {
      return server == null ? null : server.getDivision(GROUP).getInfo();
    } catch (IOException e) {
      return null;
    }
  }

  /** This node's view of the cluster. */
  public ClusterInfo status() {
    DivisionInfo info = info();
    if (info == null) {
      List<ClusterInfo.Member> members = new ArrayList<>();
      cluster.members().forEach((id, address) -> members.add(new ClusterInfo.Member(id, address, -1, -1)));
      return new ClusterInfo(cluster.nodeId(), "STOPPED", null, 0, -1, -1, members);
    }
    long commit;
    Map<String, Long> commits = new HashMap<>();
    List<ClusterInfo.Member> members = new ArrayList<>();
    try {
      RaftServer.Division d = server.getDivision(GROUP);
      commit = d.getRaftLog().getLastCommittedIndex();
      for (CommitInfoProto c : d.getCommitInfos()) {
        commits.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
      }
      for (RaftPeer peer : d.getRaftConf().getCurrentPeers()) {
        String id = peer.getId().toString();
        Long c = info.isLeader() ? commits.get(id) : (id.equals(cluster.nodeId()) ? Long.valueOf(commit) : null);
        members.add(new ClusterInfo.Member(id, peer.getAddress(), c == null ? -1 : c, c == null ? -1 : Math.max(0, commit - c)));
      }
    } catch (IOException e) {
      commit = -1;
    }
    RaftPeerId leader = info.getLeaderId();
    return new ClusterInfo(cluster.nodeId(), info.getCurrentRole().name(), leader == null ? null : leader.toString(),
        info.getCurrentTerm(), commit, info.getLastAppliedIndex(), members);
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
