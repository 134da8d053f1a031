package dev.workq.bench.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The system configurations the harness can run, by the names {@code --systems} takes, and the
 * system each name starts. The baseline names run another build's workq and need its jar.
 */
public final class Systems {

  /** Every configuration of this build and its peers, in table order. */
  public static final List<String> ALL = List.of("workq-always", "workq-batch", "workq-never", "rabbitmq-durable",
      "rabbitmq-transient", "redis-always", "redis-noaof", "nats-js", "python-mp",
      "workq-cluster", "nats-js-r3");
  /** workq's broker and workers from {@code --workq-baseline-jar}: what a change is measured against. */
  public static final List<String> BASELINE = List.of("workq-base-always", "workq-base-never");

  private Systems() {}

  /** Why {@code names} cannot run, as a usage error's one line, or null if they can. */
  public static String refusal(List<String> names, Path baselineJar) {
    for (String s : names) {
      if (BASELINE.contains(s)) {
        if (baselineJar == null || !Files.isRegularFile(baselineJar)) {
          return "--systems " + s + " needs --workq-baseline-jar naming another build's workq.jar"
              + (baselineJar == null ? "" : "; " + baselineJar + " does not exist");
        }
      } else if (!ALL.contains(s)) {
        return "--systems: unknown system '" + s + "'; known: " + ALL + " and, with --workq-baseline-jar, " + BASELINE;
      }
    }
    return null;
  }

  /**
   * The system named {@code name}.
   *
   * @param workqHandler the handler workq's tasks ask for
   * @param baselineJar  the baseline build's workq.jar, for the baseline names
   * @param python       the Python 3 interpreter, for python-mp
   */
  public static BenchSystem create(String name, String workqHandler, Path baselineJar, String python) {
    return switch (name) {
      case "workq-always" -> new WorkqSystem("always", workqHandler);
      case "workq-batch" -> new WorkqSystem("batch", workqHandler);
      case "workq-never" -> new WorkqSystem("never", workqHandler);
      case "workq-base-always" -> new WorkqSystem("always", workqHandler, baselineJar);
      case "workq-base-never" -> new WorkqSystem("never", workqHandler, baselineJar);
      case "rabbitmq-durable" -> new RabbitSystem(true);
      case "rabbitmq-transient" -> new RabbitSystem(false);
      case "redis-always" -> new RedisSystem(true);
      case "redis-noaof" -> new RedisSystem(false);
      case "nats-js" -> new NatsSystem();
      case "nats-js-r3" -> new NatsSystem(3);
      case "workq-cluster" -> new WorkqClusterSystem(workqHandler);
      case "python-mp" -> new PythonSystem(python);
      default -> throw new IllegalArgumentException("unknown system " + name);
    };
  }
}
