package dev.workq.server.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.protocol.ClusterInfo;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What a node that does not lead answers on its HTTP port: healthy only while it follows a
 * leader, its own cluster gauges, and for anything else a pointer to the leader. (The port itself,
 * its guards and the hand-over to a new leader's listener are in {@code ClusterNodeTest}.)
 */
class FollowerHttpTest {

  private final AtomicReference<ClusterInfo> view = new AtomicReference<>();
  private final FollowerHttp.Routes routes = new FollowerHttp.Routes(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), view::get,
      () -> "broker n2 is a follower; the leader is n1 at 10.0.0.1:7070");

  private static ClusterInfo info(String role, String leader, long commit, long applied) {
    return new ClusterInfo("n2", role, leader, 3, commit, applied, List.of(new ClusterInfo.Member("n1", "10.0.0.1:7171", -1, -1),
        new ClusterInfo.Member("n2", "10.0.0.2:7171", commit, 0), new ClusterInfo.Member("n3", "10.0.0.3:7171", -1, -1)));
  }

  private String body(FullHttpResponse r) {
    return r.content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void healthyWhileItFollowsALeaderAndNotInAnElectionOrWhenJustElected() {
    view.set(info("FOLLOWER", "n1", 10, 10));
    FullHttpResponse r = routes.answer(HttpMethod.GET, "/healthz");
    assertEquals(200, r.status().code());
    assertEquals("{\"status\":\"following\",\"role\":\"FOLLOWER\",\"leader\":\"n1\"}", body(r));

    view.set(info("CANDIDATE", null, 10, 10));
    r = routes.answer(HttpMethod.GET, "/healthz");
    assertEquals(503, r.status().code(), "no leader known: cut off from the majority, or an election");
    assertTrue(body(r).contains("\"status\":\"not_serving\""), body(r));

    view.set(info("LEADER", "n2", 10, 10));
    assertEquals(503, routes.answer(HttpMethod.GET, "/healthz").status().code(), "elected, not serving yet");
  }

  @Test
  void itsMetricsAreItsOwnAndTheApiPointsAtTheLeader() {
    view.set(info("FOLLOWER", "n1", 42, 40));
    String metrics = body(routes.answer(HttpMethod.GET, "/metrics"));
    assertTrue(metrics.contains("workq_cluster_leader 0.0"), metrics);
    assertTrue(metrics.contains("workq_cluster_commit_index 42.0"), metrics);
    assertTrue(metrics.contains("workq_cluster_applied_index 40.0"), metrics);
    assertTrue(metrics.contains("workq_cluster_member_lag{member=\"n1\"} -1.0"), "a follower does not know the others' lag");
    view.set(info("FOLLOWER", "n1", 50, 50));
    assertTrue(body(routes.answer(HttpMethod.GET, "/metrics")).contains("workq_cluster_commit_index 50.0"), "read at each scrape");

    FullHttpResponse queues = routes.answer(HttpMethod.GET, "/api/queues");
    assertEquals(503, queues.status().code());
    assertTrue(body(queues).contains("NOT_LEADER: broker n2 is a follower; the leader is n1 at 10.0.0.1:7070"), body(queues));
    assertEquals(503, routes.answer(HttpMethod.POST, "/api/queues/jobs/pause").status().code(), "no action on a follower");
    assertEquals(503, routes.answer(HttpMethod.POST, "/metrics").status().code());
    assertTrue(body(routes.answer(HttpMethod.GET, "/api/cluster")).contains("\"role\":\"FOLLOWER\""));
  }
}
