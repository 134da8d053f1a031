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
 * Redis lists with the reliable-queue pattern, pipelined as Redis's documentation recommends for
 * throughput: the submitter LPUSHes tasks in pipelines; each worker thread moves up to
 * {@code prefetch / concurrency} tasks from {@code bench:tasks} to its own processing list in one
 * script call ({@link #FETCH}; BLMOVE when the list is empty), then in one pipelined MULTI/EXEC
 * LPUSHes their results to {@code bench:done} and LREMs them from its processing list, so a task
 * whose worker dies stays in a processing list. The submitter BRPOPs/RPOPs the done list.
 * Persistence: AOF off (and no RDB), or AOF with {@code appendfsync always}.
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
    String persistence = aof ? "--appendonly yes --appendfsync always --save ''" : "--appendonly no --save ''";
    return persistence + "; workers: " + (ctx == null ? "P/C" : Math.max(1, ctx.prefetch() / ctx.concurrency()))
        + " tasks per LMOVE script call per thread, results + LREMs in one pipelined MULTI/EXEC; submitter: pipelined LPUSH";
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

  /**
   * Moves up to ARGV[1] tasks from the task list to the thread's processing list in one round trip
   * (Redis has no multi-element LMOVE; a script runs atomically, so each task is still moved whole,
   * and with AOF it is one write, so one fsync, per batch).
   */
  static final String FETCH = "local out = {}\n"
      + "for i = 1, tonumber(ARGV[1]) do\n"
      + "  local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')\n"
      + "  if not v then break end\n"
      + "  out[i] = v\n"
      + "end\n"
      + "return out";

  /**
   * A worker process: {@code concurrency} threads, each with its own connection and processing
   * list, each holding at most {@code prefetch / concurrency} tasks (so the process holds at most
   * the prefetch, like the other systems' workers).
   */
  public static void runWorker(int port, int concurrency, int prefetch) throws InterruptedException {
    int batch = Math.max(1, prefetch / concurrency);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      byte[] processing = ("bench:processing:" + ProcessHandle.current().pid() + ":" + t).getBytes(StandardCharsets.UTF_8);
      Thread th = new Thread(() -> {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
          byte[] fetch = j.scriptLoad(FETCH.getBytes(StandardCharsets.UTF_8));
          List<byte[]> keys = List.of(TASKS, processing);
          List<byte[]> args = List.of(Integer.toString(batch).getBytes(StandardCharsets.UTF_8));
          while (true) {
            @SuppressWarnings("unchecked")
            List<byte[]> tasks = (List<byte[]>) j.evalsha(fetch, keys, args);
            if (tasks.isEmpty()) {
              // Nothing queued: block for one (the script cannot block), then serve it at once.
              byte[] one = j.blmove(TASKS, processing, ListDirection.RIGHT, ListDirection.LEFT, 1.0);
              if (one == null) {
                continue;
              }
              tasks = List.of(one);
            }
            complete(j, processing, tasks);
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

  /**
   * The results (each task's message, payload and all, as workq's echo returns its payload) and
   * the removals from the processing list in one MULTI/EXEC, which Jedis sends as one pipeline:
   * one round trip per batch, and a task leaves the processing list only with its result stored.
   */
  private static void complete(Jedis j, byte[] processing, List<byte[]> tasks) {
    Transaction tx = j.multi();
    tx.lpush(DONE, tasks.toArray(new byte[0][]));
    for (byte[] task : tasks) {
      tx.lrem(processing, 1, task);
    }
    tx.exec();
  }
}
