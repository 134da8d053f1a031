package dev.workq.server;

import dev.workq.protocol.ClusterInfo;
import dev.workq.server.internal.DataDirLock;
import dev.workq.server.internal.cluster.RaftNode;
import dev.workq.server.internal.http.FollowerHttp;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A broker that is one node of a replicated cluster. It runs a Raft server (Apache Ratis) whose
 * log holds the journal's records; every node applies them to a replica of the broker's state.
 * The node that is leader serves peers on its client port exactly as a single broker does, from
 * a core built from the replica, and its state changes go to the log; a put is confirmed once a
 * majority has it durable. Every other node answers a peer's HELLO with {@code NOT_LEADER},
 * naming the leader's client address, and its HTTP port (if any) answers {@code /healthz},
 * {@code /metrics} and {@code /api/cluster} for itself. When the leader changes, the old leader closes its
 * connections and the new one serves; tasks that were running are ready again there.
 *
 * <pre>{@code
 * try (ClusterNode node = ClusterNode.start(brokerOptions, ClusterOptions.builder()
 *     .nodeId("n1").members("n1=10.0.0.1:7171,n2=10.0.0.2:7171,n3=10.0.0.3:7171").build())) {
 *   node.closeFuture().join();
 * }
 * }</pre>
 */
public final class ClusterNode implements AutoCloseable {

  private final RaftNode raft;
  private final DataDirLock lock;

  private ClusterNode(RaftNode raft, DataDirLock lock) {
    this.raft = raft;
    this.lock = lock;
  }

  /**
   * Starts the node: takes the data directory's lock, opens (or formats) the Raft log under
   * {@code <data-dir>/raft}, starts the Raft server on this node's replication address and
   * listens on the client port as a follower until an election makes it leader.
   *
   * @throws BrokerException if the data directory is missing or in use, the client port is 0 or
   *     cannot be bound, or the Raft server cannot start
   */
  public static ClusterNode start(BrokerOptions options, ClusterOptions cluster) {
    Path dataDir = options.durability().dataDir();
    if (dataDir == null) {
      throw new BrokerException("a cluster node needs a data directory (--data-dir) for its Raft log");
    }
    if (options.listen().port() == 0) {
      throw new BrokerException("a cluster node needs a fixed client port (--port): the other nodes send peers to it");
    }
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(dataDir);
    } catch (IOException e) {
      throw new BrokerException("cannot use data directory " + dataDir + ": " + e.getMessage(), e);
    }
    try {
      SslContext ssl = options.security().tls() ? Tls.serverContext(options.security()) : null;
      RaftNode raft = RaftNode.start(options, cluster, ssl, ClusterNode::serve, standby(options));
      return new ClusterNode(raft, lock);
    } catch (RuntimeException | Error e) {
      try {
        lock.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e instanceof BrokerException b ? b : new BrokerException("cannot start cluster node " + cluster.nodeId() + ": " + e, e);
    }
  }

  /**
   * What a follower runs on the HTTP port, if the broker has one ({@link FollowerHttp}): checked
   * here, as the leader's is, so that a setup the leader would refuse stops the node at its start.
   */
  private static RaftNode.Standby standby(BrokerOptions options) {
    if (!options.http().enabled()) {
      return (status, notLeader) -> () -> {};
    }
    HttpStart.Prepared http = HttpStart.prepare(options);
    return (status, notLeader) -> FollowerHttp.start(options.listen().host(), options.http().port(), http.access(), http.ssl(),
        options.http().maxConnections(), status, notLeader)::close;
  }

  /** How a leader serves: a {@link Broker} around the core the node built, without a journal. */
  private static RaftNode.Serving serve(BrokerOptions options, java.util.function.Function<dev.workq.server.internal.BrokerMeters,
      dev.workq.server.internal.core.BrokerCore> core) {
    Broker broker = Broker.start(options, core);
    return new RaftNode.Serving() {
      @Override
      public CompletableFuture<Void> closeFuture() {
        return broker.closeFuture();
      }

      @Override
      public void close() {
        broker.close();
      }
    };
  }

  /** This node's id. */
  public String nodeId() {
    return raft.nodeId();
  }

  /** The node's role, the leader, the Raft term and indexes, and each member's replication. */
  public ClusterInfo status() {
    return raft.status();
  }

  /** Whether this node leads and serves peers now. */
  public boolean serving() {
    return raft.serving();
  }

  /** Completes when the node has stopped: exceptionally if it stopped after a fatal error. */
  public CompletableFuture<Void> closeFuture() {
    return raft.closeFuture();
  }

  /** Stops serving, leaves the Raft group's work to the others, and releases the data directory. Idempotent. */
  @Override
  public void close() {
    raft.close();
    try {
      lock.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(ClusterNode.class).warn("releasing the data directory's lock failed: {}", e.toString());
    }
  }
}
