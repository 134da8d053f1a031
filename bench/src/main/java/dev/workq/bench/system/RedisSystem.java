package dev.workq.bench.system;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;

/**
 * Redis lists with the reliable-queue pattern: the submitter LPUSHes tasks (pipelined); each
 * worker thread BLMOVEs one task from {@code bench:tasks} to its own processing list, then in one
 * MULTI LPUSHes the result to {@code bench:done} and LREMs the task from its processing list. The
 * submitter BRPOPs/RPOPs the done list. Persistence: AOF off (and no RDB), or AOF with
 * {@code appendfsync always}. Redis has no prefetch: each worker thread holds one task.
 */
public final class RedisSystem extends PeerBase {

  static final byte[] TASKS = "bench:tasks".getBytes(StandardCharsets.UTF_8);
  static final byte[] DONE = "bench:done".getBytes(StandardCharsets.UTF_8);

  private final boolean aof;

  public RedisSystem(boolean aofAlways) {
    this.aof = aofAlways;
  }

  @Override
  public String name() {
    return aof ? "redis aof=always" : "redis no-aof";
  }

  @Override
  public String settings() {
    return aof ? "--appendonly yes --appendfsync always --save ''" : "--appendonly no --save ''";
  }

  @Override
  protected void startServer() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", "" + port, "--bind", "127.0.0.1", "--dir",
        ctx.workDir().toString(), "--save", "", "--daemonize", "no", "--protected-mode", "no"));
    cmd.addAll(aof ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
    server = Procs.start(cmd, ctx.workDir().resolve("redis.log"), Map.of());
    processes.add(server);
    Procs.waitForPort(port, Duration.ofSeconds(20), server, ctx.workDir().resolve("redis.log"));
  }

  @Override
  protected List<String> workerArgs() {
    return List.of("--system", "redis");
  }

  @Override
  public Submitter submitter(ResultSink sink) {
    RunIds ids = new RunIds(++runs);
    BlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>();
    byte[] poison = new byte[0];
    Thread sender = new Thread(() -> {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        List<byte[]> batch = new ArrayList<>();
        while (true) {
          batch.add(outbox.take());
          outbox.drainTo(batch, 999);
          boolean last = batch.remove(poison);
          if (!batch.isEmpty()) {
            Pipeline p = j.pipelined();
            for (byte[] b : batch) {
              p.lpush(TASKS, b);
            }
            p.sync();
            batch.clear();
          }
          if (last) {
            return;
          }
        }
      } catch (Exception e) {
        sink.onError("redis sender: " + e);
      }
    }, "redis-sender");
    Thread collector = new Thread(() -> {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        while (!Thread.currentThread().isInterrupted()) {
          List<byte[]> one = j.brpop(1, DONE);
          if (one == null) {
            continue;
          }
          ids.deliver(one.get(1), sink);
          List<byte[]> more = j.rpop(DONE, 1000);
          if (more != null) {
            for (byte[] b : more) {
              ids.deliver(b, sink);
            }
          }
        }
      } catch (Exception e) {
        if (!Thread.currentThread().isInterrupted()) {
          sink.onError("redis collector: " + e);
        }
      }
    }, "redis-collector");
    sender.start();
    collector.start();
    return new Submitter() {
      @Override
      public void submit(long id, byte[] payload) {
        outbox.add(Procs.withId(ids.encode(id), payload));
      }

      @Override
      public void close() {
        outbox.add(poison);
        collector.interrupt();
        try {
          sender.join(5000);
          collector.join(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  /** A worker process: {@code concurrency} threads, each with its own connection and processing list. */
  public static void runWorker(int port, int concurrency) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      byte[] processing = ("bench:processing:" + ProcessHandle.current().pid() + ":" + t).getBytes(StandardCharsets.UTF_8);
      Thread th = new Thread(() -> {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
          while (true) {
            byte[] task = j.blmove(TASKS, processing, ListDirection.RIGHT, ListDirection.LEFT, 1.0);
            if (task == null) {
              continue;
            }
            byte[] result = java.util.Arrays.copyOf(task, 8);
            Transaction tx = j.multi();
            tx.lpush(DONE, result);
            tx.lrem(processing, 1, task);
            tx.exec();
          }
        }
      }, "redis-worker-" + t);
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
  }
}
