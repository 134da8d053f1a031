import dev.workq.client.TaskResult;
import dev.workq.client.WorkqClient;
import dev.workq.pool.WorkqPool;
import dev.workq.worker.api.Task;
import java.time.Duration;
import java.util.List;

/** A task queue, a done queue and one STOP per worker process: bin/workq run examples/TaskQueue.java */
public class TaskQueue {

  /** A slow, blocking call, standing in for a query to a network device. */
  @Task("query")
  static String query(String host) throws InterruptedException {
    Thread.sleep(200 + Math.floorMod(host.hashCode(), 300));
    return host + " answered worker process " + ProcessHandle.current().pid();
  }

  public static void main(String[] args) {
    List<String> hosts = List.of("alpha", "bravo", "charlie", "delta", "echo");
    // One worker process per task; each loops over the task queue until it takes a STOP.
    try (WorkqPool pool = WorkqPool.local(hosts.size()).start()) {
      WorkqClient client = pool.client();
      String taskQueue = pool.queue();
      String doneQueue = taskQueue + ".done";
      for (String host : hosts) {
        client.enqueue(taskQueue, "query", host, doneQueue);
      }
      System.out.println("Unordered results:");
      for (int i = 0; i < hosts.size(); i++) {
        TaskResult result = client.get(doneQueue, Duration.ofSeconds(30)).orElseThrow().asResult();
        System.out.println("\t" + result.valueAs(String.class));
      }
      for (int i = 0; i < hosts.size(); i++) {
        System.out.println("Stopping Process #" + i);
      }
      client.stopWorkers(taskQueue, hosts.size());
    } // close() joins the worker processes: each exits 0 after its STOP
  }
}
