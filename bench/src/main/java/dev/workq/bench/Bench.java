package dev.workq.bench;

import dev.workq.bench.report.Repeats;
import dev.workq.bench.report.Report;
import dev.workq.bench.report.SvgChart;
import dev.workq.bench.report.Targets;
import dev.workq.bench.system.BenchSystem;
import dev.workq.bench.system.RunContext;
import dev.workq.bench.system.Systems;
import dev.workq.bench.system.WorkqSystem;
import dev.workq.bench.workload.CpuSeconds;
import dev.workq.bench.workload.DiskProbe;
import dev.workq.bench.workload.MemoryCheck;
import dev.workq.bench.workload.WorkloadResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness: runs the RT and LAT workloads against workq and its peers in interleaved
 * rounds (round r of every system, then round r+1), one system at a time, each started on loopback
 * with fresh data for its round, times the disk's own fsync at the start of every round, and
 * prints one table of medians and ranges. {@code bin/bench} is the
 * documented way to run it (it builds, installs the peers' servers, then calls this).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = PeerWorker.class,
    description = "Run the workq benchmark workloads against workq and its peers and print one table.")
public final class Bench implements Callable<Integer> {

  @Option(names = "--systems", split = ",", description = "Systems to run (default: all): ${DEFAULT-VALUE}.")
  List<String> systems = new ArrayList<>(Systems.ALL);

  @Option(names = "--tasks", description = "Tasks per RT run (default: ${DEFAULT-VALUE}); capped at 256 MiB of payload per run.")
  int tasks = 20_000;

  @Option(names = "--warmup", description = "Unrecorded RT tasks (100 B) before a system's first measured run, at least "
      + "(default: ${DEFAULT-VALUE}); the warm-up then goes on in rounds of the same size until two rounds in a row agree "
      + "within 10%%, or --warmup-max-seconds have passed.")
  int warmup = 100_000;

  @Option(names = "--warmup-max-seconds", description = "Longest warm-up per system, in seconds (default: ${DEFAULT-VALUE}).")
  int warmupMaxSeconds = 60;

  @Option(names = "--repeats", description = "Rounds: every system runs every RT and LAT row once per round, round 1 of every "
      + "system before round 2 of any (interleaved), each round on a freshly started server; the table shows each figure's "
      + "median over the rounds and the range of tasks/s and p99 (default: ${DEFAULT-VALUE}).")
  int repeats = 3;

  @Option(names = "--disk-probe-count", description = "FSYNC: appends of " + DiskProbe.RECORD_BYTES + " B, each forced to disk, "
      + "timed at the start of every round in a file under the output directory; the durable LAT target compares with its "
      + "p99; 0 skips it (default: ${DEFAULT-VALUE}).")
  int diskProbeCount = 2000;

  @Option(names = "--disk-probe-seconds", description = "FSYNC: longest probe per round, in seconds (default: ${DEFAULT-VALUE}).")
  int diskProbeSeconds = 5;

  @Option(names = "--memory-tasks", description = "MEM: queue this many 100-byte tasks on a workq broker (fsync always), "
      + "read its heap after GC, restart it and time the journal replay; 0 skips it (default: ${DEFAULT-VALUE}).")
  int memoryTasks = 0;

  @Option(names = "--payloads", split = ",", description = "RT payload sizes in bytes (default: ${DEFAULT-VALUE}).")
  List<Integer> payloads = new ArrayList<>(List.of(100, 16, 1024, 65536));

  @Option(names = "--lat-fractions", split = ",", description = "LAT rates as fractions of the system's RT rate at 100 B in its first round, "
      + "the same in every round (default: ${DEFAULT-VALUE}).")
  List<Double> latFractions = new ArrayList<>(List.of(0.1, 0.5, 0.8));

  @Option(names = "--lat-rates", split = ",", description = "Extra fixed LAT rates in tasks/s for every system (default: none).")
  List<Double> latRates = new ArrayList<>();

  @Option(names = "--lat-seconds", description = "Length of each LAT run in seconds (default: ${DEFAULT-VALUE}).")
  double latSeconds = 5;

  @Option(names = "--workers", description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers = 2;

  @Option(names = "--concurrency", description = "Tasks each worker process runs at once (default: ${DEFAULT-VALUE}).")
  int concurrency = 4;

  @Option(names = "--prefetch", description = "Tasks each worker process holds (default: ${DEFAULT-VALUE}).")
  int prefetch = 64;

  @Option(names = "--window", description = "Most tasks outstanding in RT (default: ${DEFAULT-VALUE}).")
  int window = 1000;

  @Option(names = "--timeout", description = "Longest one run may take, in seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 120;

  @Option(names = "--out", description = "Directory for results.json, results.csv, table.md, chart.svg and logs (default: bench-results/<time>).")
  Path out;

  @Option(names = "--workq-jar", description = "The workq CLI jar (default: ${DEFAULT-VALUE}).")
  Path workqJar = Path.of("cli/target/workq.jar");

  @Option(names = "--workq-baseline-jar", description = "Another build's workq.jar (e.g. the last release's) for the systems "
      + "workq-base-always and workq-base-never: its broker and workers, this build's submitter, interleaved with the others, "
      + "so a change's cost shows side by side (default: none).")
  Path workqBaselineJar;

  @Option(names = "--workq-handler", description = "Handler workq's tasks ask for: echo (built in, sends the payload back as the "
      + "result, as every peer's worker does) or noop (from --handlers-jar; returns nothing, not comparable with the peers) "
      + "(default: ${DEFAULT-VALUE}).")
  String workqHandler = WorkqSystem.DEFAULT_HANDLER;

  @Option(names = "--handlers-jar", description = "Jar of extra handlers for workq's workers; needed for --workq-handler noop "
      + "(default then: bench/target/workq-bench-<version>-handlers.jar; none for echo).")
  Path handlersJar;

  @Option(names = "--python", description = "Python 3 interpreter (default: ${DEFAULT-VALUE}).")
  String python = "python3";

  @Option(names = "--profile", description = "Record a JFR profile of the workq broker (fsync=always) into <out>/broker.jfr.")
  boolean profile;

  /** Handlers {@code workq worker} has without {@code --handlers}. */
  static final List<String> BUILT_IN_HANDLERS = List.of("echo", "sleep", "pi", "exec");

  private final CpuSeconds cpuSeconds = new CpuSeconds();

  /** Per system, the RT rate at 100 B of its first round: the base of its LAT fractions. */
  private final Map<String, Double> latBase = new LinkedHashMap<>();

  @Option(names = "--assert-targets", description = "Exit 1 when a checked speed target is not met (default: report only).")
  boolean assertTargets;

  @Option(names = "--smoke", description = "A few seconds against workq alone with tiny counts: proves the harness works.")
  boolean smoke;

  /** The system running now, so Ctrl-C still stops its processes. */
  private static volatile BenchSystem current;

  public static void main(String[] args) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      BenchSystem s = current;
      if (s != null) {
        s.close();
      }
    }, "bench-shutdown"));
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    if (smoke) {
      systems = List.of("workq-always");
      tasks = Math.min(tasks, 500);
      warmup = Math.min(warmup, 200);
      repeats = 1;
      payloads = List.of(100);
      latFractions = List.of(0.1);
      latRates = List.of();
      latSeconds = 1;
      diskProbeCount = Math.min(diskProbeCount, 200);
      diskProbeSeconds = Math.min(diskProbeSeconds, 1);
      timeoutSeconds = Math.min(timeoutSeconds, 30);
    }
    String refused = Systems.refusal(systems, workqBaselineJar);
    if (refused != null) {
      throw new CommandLine.ParameterException(new CommandLine(this), refused);
    }
    if (repeats < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--repeats must be at least 1, got " + repeats);
    }
    if (out == null) {
      out = Path.of("bench-results", Instant.now().toString().replace(':', '-').replaceAll("\\..*", ""));
    }
    Files.createDirectories(out);
    if (handlersJar == null && !BUILT_IN_HANDLERS.contains(workqHandler)) {
      handlersJar = findHandlersJar();
    }
    if (!Files.isRegularFile(workqJar)) {
      throw new IllegalStateException("--workq-jar " + workqJar + " does not exist; build first: mvn -q -DskipTests package");
    }
    RunContext base = new RunContext(out.toAbsolutePath(), workers, concurrency, prefetch,
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), System.getProperty("java.class.path"),
        workqJar.toAbsolutePath(), handlersJar == null ? null : handlersJar.toAbsolutePath(), List.of());
    Map<String, Object> env = environment();
    env.put("cpuSecondsBySystem", cpuSeconds.bySystem());
    System.out.println("# workq bench: " + env);
    List<WorkloadResult> runs = new ArrayList<>();
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    // Interleaved: round r of every system, then round r+1, so that a change in the machine's
    // load during the session spreads over every system instead of landing on one.
    for (int round = 1; round <= repeats; round++) {
      System.out.println("# round " + round + " of " + repeats);
      if (diskProbeCount > 0) {
        WorkloadResult disk = DiskProbe.run(out.resolve("disk-probe"), diskProbeCount, Duration.ofSeconds(diskProbeSeconds));
        print(disk);
        runs.add(disk);
      }
      for (String name : systems) {
        runRound(name, round, base, timeout, runs);
        Report.write(out, env, Repeats.summarise(runs), runs);
      }
    }
    List<WorkloadResult> results = Repeats.summarise(runs);
    MemoryCheck mem = null;
    if (memoryTasks > 0) {
      System.out.println("## MEM: queueing " + memoryTasks + " tasks on workq fsync=always, then a restart");
      deleteRecursively(base.forSystem("workq-memory").workDir());
      mem = MemoryCheck.run(base.forSystem("workq-memory"), "always", memoryTasks, timeout.multipliedBy(5));
      System.out.printf(Locale.ROOT, "MEM: %d tasks queued at %.0f/s; heap used after GC %.1f MiB; restart to listening %.2f s; "
          + "%d ready after restart %s%n", mem.tasks(), mem.putRate(), mem.heapUsedMb(), mem.restartSeconds(), mem.readyAfter(), mem.note());
      env.put("memory", mem);
    }
    String table = Report.table(results);
    System.out.println();
    System.out.print(table);
    Report.write(out, env, results, runs);
    int chartPayload = payloads.contains(100) ? 100 : payloads.get(0);
    Files.writeString(out.resolve("chart.svg"), SvgChart.render(results, chartPayload,
        env.get("cpus") + " cores, " + env.get("os") + ", load average at start " + env.get("loadAverageAtStart")));
    System.out.println("\nresults in " + out.toAbsolutePath());
    List<Targets.Check> checks = Targets.check(results, mem);
    String targets = Targets.format(checks);
    System.out.println("\nTargets (medians of this session's runs, on this machine, under its load):\n" + targets);
    Files.writeString(out.resolve("targets.md"), targets);
    boolean clean = results.stream().allMatch(WorkloadResult::clean) && (mem == null || mem.note().isEmpty());
    if (assertTargets && checks.stream().anyMatch(c -> c.checked() && !c.met())) {
      System.out.println("FAILED: targets not met (--assert-targets)");
      return 1;
    }
    if (!clean) {
      System.out.println("FAILED: some runs lost, duplicated or failed tasks (see the lost/dup/err columns)");
    }
    return clean ? 0 : 1;
  }

  /**
   * Round {@code round} of one system: its server and workers started on a fresh data directory,
   * warmed up, every RT payload size once, every LAT rate once, then stopped; each round starts
   * from nothing, so no round inherits another's queues, journal or JIT state.
   */
  private void runRound(String name, int round, RunContext base, Duration timeout, List<WorkloadResult> runs) throws Exception {
    RunContext ctx = base.forSystem(name).forSystem("round-" + round);
    // Fresh data and logs: a reused --out must not replay an old journal or show an old
    // broker's "listening on" line to the start-up wait.
    deleteRecursively(ctx.workDir());
    if (profile && name.equals("workq-always") && round == 1) {
      ctx = new RunContext(ctx.workDir(), ctx.workers(), ctx.concurrency(), ctx.prefetch(), ctx.javaCommand(), ctx.classpath(),
          ctx.workqJar(), ctx.handlersJar(), List.of("-XX:+FlightRecorder",
          "-XX:StartFlightRecording=duration=60s,settings=profile,filename=" + out.toAbsolutePath().resolve("broker.jfr")));
    }
    try (BenchSystem system = Systems.create(name, workqHandler, workqBaselineJar, python)) {
      current = system;
      System.out.println("## " + system.name() + ": round " + round + ", starting");
      try {
        system.start(ctx);
      } catch (Exception e) {
        System.out.println("## " + system.name() + ": could not start: " + e.getMessage());
        runs.add(new WorkloadResult(system.name(), "RT", 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, "could not start: " + e.getMessage()));
        return;
      }
      long harnessCpuBefore = CpuSeconds.harnessNanos();
      runSystem(system, timeout, runs);
      Map<String, Double> cpu = cpuSeconds.add(system.name(), system.processesByRole(), harnessCpuBefore);
      System.out.println("## " + system.name() + ": CPU seconds over its rounds so far: " + cpu);
    } finally {
      current = null;
    }
  }

  /**
   * JIT and connection warm-up, all systems alike; its figures are not reported. A fixed count
   * was not enough: on 2 cores the JVMs' compilers were still busy after 150,000 tasks, and
   * three measured runs in a row came out at 18,700, 27,700 and 46,300 tasks/s. So rounds go on
   * until two in a row agree within 10% (or the time cap).
   */
  private void warmUp(BenchSystem system, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupMaxSeconds);
    double previous = 0;
    int rounds = 0;
    while (true) {
      WorkloadResult w = system.roundTrip(warmup, 100, window, timeout);
      rounds++;
      System.out.printf(Locale.ROOT, "%-20s warm-up round %d: %d tasks, %.0f/s%n", system.name(), rounds, w.tasks(), w.rate());
      boolean steady = previous > 0 && Math.abs(w.rate() - previous) <= 0.1 * Math.max(w.rate(), previous);
      if (steady || smoke || System.nanoTime() > deadline) {
        return;
      }
      previous = w.rate();
    }
  }

  private void runSystem(BenchSystem system, Duration timeout, List<WorkloadResult> runs) throws Exception {
    if (warmup > 0) {
      warmUp(system, timeout);
    }
    double rtRate = 0;
    for (int size : payloads) {
      int n = (int) Math.max(1, Math.min(tasks, (256L << 20) / Math.max(size, 1)));
      WorkloadResult r = system.roundTrip(n, size, window, timeout);
      print(r);
      runs.add(r);
      if (size == 100 || rtRate == 0) {
        rtRate = size == 100 ? r.rate() : Math.max(rtRate, r.rate());
      }
    }
    // LAT's fractions are of the first round's RT rate, so every round runs the same LAT rows.
    double base = latBase.computeIfAbsent(system.name(), k -> 0.0);
    if (base == 0) {
      base = rtRate;
      latBase.put(system.name(), base);
    }
    List<Double> rates = new ArrayList<>();
    for (double f : latFractions) {
      rates.add(Math.rint(f * base));
    }
    rates.addAll(latRates);
    for (double rate : rates) {
      if (rate < 1) {
        continue;
      }
      int n = (int) Math.max(10, Math.round(rate * latSeconds));
      WorkloadResult r = system.openLoop(n, 100, rate, timeout);
      print(r);
      runs.add(r);
    }
  }

  private static void print(WorkloadResult r) {
    System.out.printf(Locale.ROOT, "%-20s %-3s %6d B %7d tasks %9.0f/s p50 %8.2f ms p99 %8.2f ms p99.9 %8.2f ms lost %d dup %d err %d %s%n",
        r.system(), r.workload(), r.payload(), r.tasks(), r.rate(), r.p50() / 1000, r.p99() / 1000, r.p999() / 1000, r.lost(),
        r.duplicates(), r.errors(), r.note());
  }

  private Path findHandlersJar() throws IOException {
    Path dir = Path.of("bench", "target");
    if (Files.isDirectory(dir)) {
      try (var s = Files.list(dir)) {
        var jar = s.filter(p -> p.getFileName().toString().endsWith("-handlers.jar")).findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      }
    }
    throw new IllegalStateException("no bench/target/*-handlers.jar; build first (mvn -q -DskipTests package) or pass --handlers-jar");
  }

  private Map<String, Object> environment() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("time", Instant.now().toString());
    env.put("cpus", Runtime.getRuntime().availableProcessors());
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    env.put("loadAverageAtStart", String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    env.put("workers", workers + " processes x concurrency " + concurrency + ", prefetch " + prefetch);
    env.put("window", window);
    env.put("tasks", tasks);
    env.put("repeats", repeats + " rounds, interleaved");
    env.put("workqHandler", workqHandler);
    if (workqBaselineJar != null) {
      env.put("workqBaselineJar", workqBaselineJar.toString());
    }
    return env;
  }
}
