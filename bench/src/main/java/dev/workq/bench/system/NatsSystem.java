package dev.workq.bench.system;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.ConsumeOptions;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
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
 */
public final class NatsSystem extends PeerBase {

  @Override
  public String name() {
    return "nats jetstream";
  }

  @Override
  public String settings() {
    return "nats-server -js, file storage, work-queue retention, durable pull consumers, explicit acks, max ack pending 10000; "
        + "workers: consume batch " + (ctx == null ? "P" : ctx.prefetch()) + ", results by async publish; submitter: async publish";
  }

  @Override
  protected void startServer() throws Exception {
    server = Procs.start(List.of("nats-server", "-a", "127.0.0.1", "-p", "" + port, "-js", "-sd", ctx.workDir().resolve("js").toString()),
        ctx.workDir().resolve("nats.log"), Map.of());
    processes.add(server);
    Procs.waitForPort(port, Duration.ofSeconds(20), server, ctx.workDir().resolve("nats.log"));
  }

  @Override
  protected void setUp() throws Exception {
    try (Connection nc = Nats.connect("nats://127.0.0.1:" + port)) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      for (String[] s : new String[][] {{"BENCH", "bench.tasks", "workers"}, {"BENCHDONE", "bench.done", "collector"}}) {
        jsm.addStream(StreamConfiguration.builder().name(s[0]).subjects(s[1]).retentionPolicy(RetentionPolicy.WorkQueue)
            .storageType(StorageType.File).build());
        jsm.addOrUpdateConsumer(s[0], ConsumerConfiguration.builder().durable(s[2]).filterSubject(s[1]).ackPolicy(AckPolicy.Explicit)
            .ackWait(Duration.ofSeconds(30)).maxAckPending(10_000).build());
      }
    }
  }

  @Override
  protected List<String> workerArgs() {
    return List.of("--system", "nats");
  }

  @Override
  public Submitter submitter(ResultSink sink) throws Exception {
    RunIds ids = new RunIds(++runs);
    Connection nc = Nats.connect("nats://127.0.0.1:" + port);
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
  public static void runWorker(int port, int concurrency, int prefetch) throws Exception {
    Connection nc = Nats.connect("nats://127.0.0.1:" + port);
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
