package dev.workq.worker.handlers;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts a command in a session of its own and kills everything in it. Killing only the process
 * {@code exec} started leaves its children running (a shell's background jobs, a build's
 * compilers), and once their parent is dead they are re-parented to init and no longer its
 * descendants. So on Linux the command runs under {@code setsid} (util-linux, on every Debian
 * and busybox system): it and all it starts share a session id, which a process can only leave
 * by calling setsid itself, and {@link #kill} finds them by that id in {@code /proc} even after
 * their parent died. Without {@code setsid} or {@code /proc}, the descendants the JVM can see are
 * killed, which misses only orphans. Kills repeat until a sweep finds nobody, since a process can
 * fork between a sweep and its SIGKILL.
 */
final class ProcessTree {

  /** Sweeps {@link #kill} makes at most: a fork bomb must not keep the worker's thread forever. */
  static final int MAX_SWEEPS = 50;

  private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
      .map(Path::of).filter(Files::isExecutable).findFirst();
  private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

  private ProcessTree() {}

  /**
   * Starts {@code argv} in its own session when it can. A command that cannot be found fails
   * here, as {@link ProcessBuilder#start} does, rather than as {@code setsid}'s exit status 127.
   */
  static Process start(List<String> argv, File stdin) throws IOException {
    List<String> command = argv;
    if (SETSID.isPresent() && PROC) {
      requireExecutable(argv.get(0));
      command = new ArrayList<>(argv.size() + 2);
      // --wait: if setsid ever has to fork (it does when already a group leader), it still
      // reports the command's exit status instead of exiting at once.
      command.add(SETSID.get().toString());
      command.add("--wait");
      command.addAll(argv);
    }
    return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(stdin)).start();
  }

  /** Whether {@link #start} puts commands in a session of their own here. */
  static boolean ownSessions() {
    return SETSID.isPresent() && PROC;
  }

  /**
   * SIGKILLs {@code root} and every process of its session and its descendants, sweeping until
   * none is left or {@link #MAX_SWEEPS}; waits up to {@code waitMillis} for them to be gone.
   * @return the processes still alive after that (empty when all are gone)
   */
  static List<ProcessHandle> kill(Process root, long waitMillis) {
    long session = root.pid();
    boolean bySession = ownSessions();
    Set<ProcessHandle> seen = new HashSet<>();
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      List<ProcessHandle> targets = new ArrayList<>();
      // Descendants first, while root is alive to find them by; then root.
      root.descendants().forEach(targets::add);
      if (bySession) {
        inSession(session).forEach(targets::add);
      }
      targets.add(root.toHandle());
      boolean any = false;
      for (ProcessHandle h : targets) {
        if (h.isAlive()) {
          h.destroyForcibly();
          seen.add(h);
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    for (ProcessHandle h : seen) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          // Still alive or not waitable; reported below.
        }
      }
    }
    return seen.stream().filter(ProcessHandle::isAlive).toList();
  }

  /** The live processes whose session id is {@code session}, from {@code /proc/PID/stat}. */
  private static List<ProcessHandle> inSession(long session) {
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      all.forEach(h -> {
        if (sessionOf(h.pid()) == session) {
          found.add(h);
        }
      });
    }
    return found;
  }

  /** Field 6 of {@code /proc/PID/stat}, or -1 if it cannot be read (the process is gone). */
  static long sessionOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses, so
      // count fields after its last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void requireExecutable(String program) throws IOException {
    if (program.indexOf('/') >= 0) {
      if (!Files.isExecutable(Path.of(program))) {
        throw new IOException("Cannot run program \"" + program + "\": no such executable file");
      }
      return;
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return;
      }
    }
    throw new IOException("Cannot run program \"" + program + "\": not found on PATH");
  }
}
