package dev.workq.server.internal.cluster;

import dev.workq.protocol.ClusterInfo;
import dev.workq.server.ClusterOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * What a cluster node knows of its cluster, read from its Raft server: the division's info, the
 * status that {@code stats}, {@code /metrics} and a follower's HTTP port show, and what a follower
 * tells a peer (the leader's announced client address, or why there is none). Reads only, from
 * any thread; before the Raft server has started, the node is STOPPED and knows no leader.
 */
final class NodeView {

  private final ClusterOptions cluster;
  private final RaftPeerId self;
  private final ReplicaStateMachine machine;
  private final Supplier<RaftServer> server;

  NodeView(ClusterOptions cluster, ReplicaStateMachine machine, Supplier<RaftServer> server) {
    this.cluster = cluster;
    this.self = RaftPeerId.valueOf(cluster.nodeId());
    this.machine = machine;
    this.server = server;
  }

  /** The division's info, or null while the Raft server is not running. */
  DivisionInfo info() {
    RaftServer s = server.get();
    try {
      return s == null ? null : s.getDivision(RaftNode.GROUP).getInfo();
    } catch (IOException e) {
      return null;
    }
  }

  /** This node's view of the cluster. */
  ClusterInfo status() {
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
      RaftServer.Division d = server.get().getDivision(RaftNode.GROUP);
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

  /** What a follower tells a peer. */
  FollowerListener.Redirect redirect() {
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
}
