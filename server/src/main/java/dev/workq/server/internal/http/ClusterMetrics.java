package dev.workq.server.internal.http;

import dev.workq.protocol.ClusterInfo;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * A cluster node's gauges in its {@code /metrics}: its role, term and Raft indexes, and each
 * member's replication lag, read from the last {@link ClusterInfo} a scrape gave it. The leader's
 * come from its core snapshot's stats, a follower's from its Raft server; both register the same
 * families, so one Prometheus job scrapes every node. A single broker registers none.
 */
final class ClusterMetrics {

  private final MeterRegistry registry;
  private final AtomicReference<ClusterInfo> latest = new AtomicReference<>();
  /** Members with a lag gauge (synchronized). */
  private final Set<String> members = new HashSet<>();
  private boolean registered;

  ClusterMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * {@code cluster} is what the next scrape reads: the gauges are registered at the first call,
   * and a lag gauge for each member the first time it appears.
   */
  synchronized void update(ClusterInfo cluster) {
    latest.set(cluster);
    if (!registered) {
      registered = true;
      gauge("workq_cluster_term", "The Raft term of this node", ClusterInfo::term);
      gauge("workq_cluster_commit_index", "The last Raft log index this node knows to be committed", ClusterInfo::commitIndex);
      gauge("workq_cluster_applied_index", "The last Raft log index applied to this node's replica", ClusterInfo::appliedIndex);
      gauge("workq_cluster_leader", "1 while this node is the cluster's leader (it alone serves clients and the API)",
          c -> "LEADER".equals(c.role()) ? 1 : 0);
      gauge("workq_cluster_members", "Members of the cluster's current configuration", c -> c.members().size());
    }
    for (ClusterInfo.Member m : cluster.members()) {
      if (members.add(m.id())) {
        Gauge.builder("workq_cluster_member_lag", latest, r -> lag(r.get(), m.id()))
            .description("Log entries a member is behind this node's commit index (-1 while unknown here: a follower "
                + "knows only its own)")
            .tag("member", m.id()).register(registry);
      }
    }
  }

  private void gauge(String name, String help, ToDoubleFunction<ClusterInfo> value) {
    Gauge.builder(name, latest, r -> r.get() == null ? 0 : value.applyAsDouble(r.get())).description(help).register(registry);
  }

  private static double lag(ClusterInfo cluster, String id) {
    if (cluster != null) {
      for (ClusterInfo.Member m : cluster.members()) {
        if (m.id().equals(id)) {
          return m.lag();
        }
      }
    }
    return -1;
  }
}
