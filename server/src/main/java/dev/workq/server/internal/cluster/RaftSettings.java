package dev.workq.server.internal.cluster;

import dev.workq.server.BrokerOptions;
import dev.workq.server.ClusterOptions;
import dev.workq.server.FsyncPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * A node's Ratis settings, from the broker's and the cluster's options: where the log lives, the
 * replication address, the election and step-down timings, snapshots, the log's buffer sizes
 * (large enough for the largest entry) and how it forces; and the client address the node
 * announces while it leads.
 */
final class RaftSettings {

  private RaftSettings() {}

  static RaftProperties properties(BrokerOptions options, ClusterOptions cluster, Path raftDir) {
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
    // A leader refuses an entry past this many bytes of pending writes; it has one in flight.
    RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf(Math.max(64L << 20, 2 * entry)));
    // ALWAYS: each member forces its log before it acknowledges an entry (Ratis's default).
    // BATCH and NEVER: members acknowledge what is written to the OS, forced behind.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, options.durability().fsync() != FsyncPolicy.ALWAYS);
    // The log worker goes on writing while a force runs; an entry still counts as flushed only once
    // its force has completed, so this is group commit, not a weaker policy.
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, true);
    // Ratis would also log every commit-index advance as an entry of its own (forced like the
    // others), for recovering a commit index without a leader; a node learns it from the leader.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    // Heartbeats on a channel of their own race the appends (RATIS-2242, open in 3.1.3): a
    // heartbeat naming an index the follower has not appended yet draws an INCONSISTENCY reply,
    // and the leader rewinds and resends. Under load that was thousands of resends a minute and
    // appender restarts; on the append stream, a heartbeat follows the appends it names.
    GrpcConfigKeys.Server.setHeartbeatChannel(p, false);
    // A follower appends a request's entries only once the previous request's are forced, and
    // answers INCONSISTENCY to a request whose previous entry is not appended yet (3.1.3's
    // RaftServerImpl.appendLog): with more than two requests outstanding, the third is refused
    // and resent, all the time under load.
    GrpcConfigKeys.Server.setLeaderOutstandingAppendsMax(p, 2);
    return p;
  }

  private static TimeDuration duration(java.time.Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The client address peers are sent to while this node leads. */
  static String advertise(BrokerOptions options, ClusterOptions cluster) {
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
}
