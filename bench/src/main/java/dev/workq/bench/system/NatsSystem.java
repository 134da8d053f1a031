package dev.workq.bench.system;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.ConsumeOptions;
import io.nats.client.MessageConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * NATS JetStream: two work-queue streams on file storage, {@code BENCH} (subject
 * {@code bench.tasks}) and {@code BENCHDONE} ({@code bench.done}), each with one durable pull
 * consumer with explicit acks. The submitter publishes asynchronously (each publish is
 * acknowledged once stored) and consumes results with the continuous pull of {@code consume}. Each
 * worker process pulls in batches of the prefetch ({@code consume}, which asks for the next batch
 * before the current one is used up), runs {@code concurrency} at once, publishes the task's
 * message back as its result asynchronously and acks the task once that publish is acknowledged.
 *
 * <p>With three replicas ({@code nats-js-r3}) the server is a JetStream cluster of three
 * {@code nats-server} processes on loopback, each with its own store and routes to the other two,
 * and both streams (and so their consumers) are replicated to all three: a publish is
 * acknowledged once a majority of the stream's replicas has stored it. The submitter and the
 * workers are given all three URLs, as a client of a cluster would be.
 */
public final class NatsSystem extends PeerBase {

  private static final String CLUSTER = "bench";

  private final int replicas;
  /** Client ports of the nodes; the first is {@link #port}. */
  private final List<Integer> ports = new ArrayList<>();
  private final List<Process> nodes = new ArrayList<>();

  /** One server, streams of one replica: {@code nats-js}. */
  public NatsSystem() {
    this(1);
  }

  /** @param replicas 1 (one server) or 3 (a cluster of three, streams replicated to all) */
  public NatsSystem(int replicas) {
    if (replicas != 1 && replicas != 3) {
      throw new IllegalArgumentException("NATS replicas must be 1 or 3, got " + replicas);
    }
    this.replicas = replicas;
  }

  @Override
  public String name() {
    return replicas == 1 ? "nats jetstream" : "nats jetstream r3";
  }

  @Override
  public String settings() {
    return (replicas == 1 ? "nats-server -js" : "3 nats-server -js in one cluster on loopback, streams and consumers with 3 replicas")
        + ", file storage, work-queue retention, durable pull consumers, explicit acks, max ack pending 10000; "
        + "workers: consume batch " + (ctx == null ? "P" : ctx.prefetch()) + ", results by async publish; submitter: async publish"
        + (replicas == 1 ? "" : "; clients given all three URLs");
  }

  @Override
  protected void startServer() throws Exception {
    if (replicas == 1) {
      server = Procs.start(List.of("nats-server", "-a", "127.0.0.1", "-p", "" + port, "-js", "-sd", ctx.workDir().resolve("js").toString()),
          ctx.workDir().resolve("nats.log"), Map.of());
      processes.add(server);
      nodes.add(server);
      ports.add(port);
      Procs.waitForPort(port, Duration.ofSeconds(20), server, ctx.workDir().resolve("nats.log"));
      return;
    }
    ports.add(port);
    List<Integer> routePorts = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      if (i > 0) {
        ports.add(Procs.freePort());
      }
      routePorts.add(Procs.freePort());
    }
    for (int i = 0; i < replicas; i++) {
      List<String> routes = new ArrayList<>();
      for (int j = 0; j < replicas; j++) {
        if (j != i) {
          routes.add("nats://127.0.0.1:" + routePorts.get(j));
        }
      }
      String node = "n" + (i + 1);
      Process p = Procs.start(List.of("nats-server", "-a", "127.0.0.1", "-p", "" + ports.get(i), "-js", "--server_name", node,
          "--cluster_name", CLUSTER, "--cluster", "nats://127.0.0.1:" + routePorts.get(i), "--routes", String.join(",", routes),
          "-sd", ctx.workDir().resolve("js-" + node).toString()), ctx.workDir().resolve("nats-" + node + ".log"), Map.of());
      processes.add(p);
      nodes.add(p);
    }
    server = nodes.get(0);
    for (int i = 0; i < replicas; i++) {
      Procs.waitForPort(ports.get(i), Duration.ofSeconds(20), nodes.get(i), ctx.workDir().resolve("nats-n" + (i + 1) + ".log"));
    }
  }

  /** Every node's client URL, comma separated, as a NATS client takes a cluster. */
  private String urls() {
    return String.join(",", ports.stream().map(p -> "nats://127.0.0.1:" + p).toList());
  }

  @Override
  protected void setUp() throws Exception {
    try (Connection nc = connect(urls())) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      for (String[] s : new String[][] {{"BENCH", "bench.tasks", "workers"}, {"BENCHDONE", "bench.done", "collector"}}) {
        StreamConfiguration stream = StreamConfiguration.builder().name(s[0]).subjects(s[1]).retentionPolicy(RetentionPolicy.WorkQueue)
            .storageType(StorageType.File).replicas(replicas).build();
        // A fresh cluster answers JetStream requests only once its meta group has a leader.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
          try {
            jsm.addStream(stream);
            break;
          } catch (JetStreamApiException | java.io.IOException e) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("nats: stream " + s[0] + " not created in 30 s: " + e.getMessage(), e);
            }
            Thread.sleep(200);
          }
        }
        jsm.addOrUpdateConsumer(s[0], ConsumerConfiguration.builder().durable(s[2]).filterSubject(s[1]).ackPolicy(AckPolicy.Explicit)
            .ackWait(Duration.ofSeconds(30)).maxAckPending(10_000).build());
      }
    }
  }

  @Override
  protected List<String> workerArgs() {
    return List.of("--system", "nats", "--servers", urls());
  }

  @Override
  public Map<String, Process> processesByRole() {
    if (replicas == 1) {
      return super.processesByRole();
    }
    Map<String, Process> m = new LinkedHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      m.put("server-n" + (i + 1), nodes.get(i));
    }
    int w = 0;
    for (Process p : processes) {
      if (!nodes.contains(p)) {
        m.put("worker-" + w++, p);
      }
    }
    return m;
  }

  @Override
  public void close() {
    super.close();
    nodes.clear();
    ports.clear();
  }

  /** A connection to {@code urls} (comma separated), reconnecting to any of them. */
  static Connection connect(String urls) throws Exception {
    return Nats.connect(Options.builder().servers(urls.split(",")).maxReconnects(-1).build());
  }

  @Override
  public Submitter submitter(ResultSink sink) throws Exception {
    RunIds ids = new RunIds(++runs);
    Connection nc = connect(urls());
    JetStream js = nc.jetStream();
    // The simplified consume API keeps a pull open at all times: no batch-fill wait adds latency.
    MessageConsumer collector = nc.getConsumerContext("BENCHDONE", "collector").consume(
        ConsumeOptions.builder().batchSize(1000).build(), m -> {
          ids.deliver(m.getData(), sink);
          m.ack();
        });
    return new Submitter() {
      @Override
      public void submit(long id, byte[] payload) {
        js.publishAsync("bench.tasks", Procs.withId(ids.encode(id), payload)).whenComplete((ack, e) -> {
          if (e != null) {
            sink.onError("nats publish: " + e);
          }
        });
      }

      @Override
      public void close() {
        try {
          collector.stop();
          nc.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  /** A worker process: fetch up to {@code prefetch} held, {@code concurrency} running. */
  public static void runWorker(String urls, int concurrency, int prefetch) throws Exception {
    Connection nc = connect(urls);
    JetStream js = nc.jetStream();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    Semaphore held = new Semaphore(prefetch);
    // At most `prefetch` tasks handed to the pool and not yet acked; the consumer's own buffer is one batch.
    nc.getConsumerContext("BENCH", "workers").consume(ConsumeOptions.builder().batchSize(prefetch).build(), m -> {
      held.acquire();
      pool.execute(() -> {
        // The task's whole message (id and payload) is its result, as workq's echo returns its payload.
        js.publishAsync("bench.done", m.getData()).whenComplete((ack, e) -> {
          if (e == null) {
            m.ack();
          } else {
            m.nak();
          }
          held.release();
        });
      });
    });
    new java.util.concurrent.CountDownLatch(1).await();
  }
}
