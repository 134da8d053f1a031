package dev.workq.bench;

import dev.workq.bench.system.NatsSystem;
import dev.workq.bench.system.RabbitSystem;
import dev.workq.bench.system.RedisSystem;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench peer-worker}: a worker process for a peer system, started by the harness. Takes
 * tasks and puts each task's message (its 8-byte id and payload) back on the done queue as its
 * result, then acks: the work of workq's {@code echo} handler, so every system carries the
 * payload both ways. Runs until the harness stops it.
 */
@Command(name = "peer-worker", mixinStandardHelpOptions = true, description = "An echo worker process for a peer system (started by the harness).")
public final class PeerWorker implements Callable<Integer> {

  @Option(names = "--system", required = true, description = "rabbitmq, redis or nats.")
  String system;

  @Option(names = "--port", required = true)
  int port;

  @Option(names = "--servers", description = "NATS: every server's URL, comma separated (default: nats://127.0.0.1:<port>).")
  String servers;

  @Option(names = "--durable", description = "RabbitMQ: persistent results on durable queues.")
  boolean durable;

  @Option(names = "--concurrency", defaultValue = "4")
  int concurrency;

  @Option(names = "--prefetch", defaultValue = "64")
  int prefetch;

  @Override
  public Integer call() throws Exception {
    switch (system) {
      case "rabbitmq" -> RabbitSystem.runWorker(port, durable, concurrency, prefetch);
      case "redis" -> RedisSystem.runWorker(port, concurrency, prefetch);
      case "nats" -> NatsSystem.runWorker(servers == null ? "nats://127.0.0.1:" + port : servers, concurrency, prefetch);
      default -> throw new IllegalArgumentException("--system must be rabbitmq, redis or nats, got " + system);
    }
    return 0;
  }
}
