package dev.workq.bench.system;

import java.nio.file.Path;
import java.util.List;

/**
 * What every system is started with, so each gets the same settings.
 *
 * @param workDir     fresh directory for this system's data and logs
 * @param workers     worker processes
 * @param concurrency tasks each worker process runs at once
 * @param prefetch    tasks each worker process holds at most, where the system has the notion
 * @param javaCommand the java launcher for worker processes
 * @param classpath   classpath of the harness, which holds the peers' worker mains
 * @param workqJar    {@code cli/target/workq.jar}
 * @param handlersJar a jar of extra handlers (the bench's {@code noop}) for {@code workq worker
 *                    --handlers}, or null: the default {@code echo} handler is built in
 * @param serverJvmArgs extra JVM arguments for a Java server (the workq broker), e.g. JFR
 */
public record RunContext(Path workDir, int workers, int concurrency, int prefetch, String javaCommand,
    String classpath, Path workqJar, Path handlersJar, List<String> serverJvmArgs) {

  /** A child of the work directory, for one system. */
  public RunContext forSystem(String dirName) {
    return new RunContext(workDir.resolve(dirName), workers, concurrency, prefetch, javaCommand, classpath, workqJar,
        handlersJar, serverJvmArgs);
  }
}
