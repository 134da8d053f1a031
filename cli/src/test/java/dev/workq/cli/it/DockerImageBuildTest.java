package dev.workq.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's build stage works on exactly what it copies: this test reads the build stage of
 * docker/Dockerfile, copies its {@code COPY} sources from the repository (minus what
 * .dockerignore leaves out of the build context) into an empty directory, runs its {@code RUN mvn}
 * line there offline ({@code -o}, from the local repository this build already filled), and
 * checks that the jar the run stage takes exists. There is no Docker engine here, so this is the
 * closest we get to {@code docker build}; a module added to the root pom and not copied fails it
 * with Maven's "Child module ... does not exist".
 *
 * <p>It runs after {@code package} (cli/pom.xml's {@code after-package} execution): on a fresh
 * machine the shade plugin is only in the local repository once the outer build has packaged the
 * cli, and an offline build cannot fetch it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DockerImageBuildTest {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  /** What the Dockerfile's build stage does, in order. */
  record BuildStage(String workdir, List<Copy> copies, List<String> mvnArgs, String artifact) {
  }

  /** {@code COPY src... dest}, dest as written (relative to the WORKDIR unless absolute). */
  record Copy(List<String> sources, String dest) {
  }

  @Test
  void buildStageBuildsTheCliJarFromWhatItCopies(@TempDir Path context) throws Exception {
    AfterPackage.assume();
    BuildStage stage = parse(Files.readString(ROOT.resolve("docker/Dockerfile")));
    List<String> ignored = dockerignore();
    for (Copy copy : stage.copies()) {
      for (String src : copy.sources()) {
        Path from = ROOT.resolve(src).normalize();
        assertTrue(Files.exists(from), "the Dockerfile copies " + src + ", which is not in the repository");
        copyInto(from, target(context, stage.workdir(), copy, src), ignored);
      }
    }
    Path jar = context.resolve(stage.artifact());
    assertFalse(Files.exists(jar), jar + " was copied, not built: .dockerignore must keep target/ out of the context");

    List<String> cmd = new ArrayList<>(List.of(mvn(), "-o"));
    String repoLocal = System.getProperty("maven.repo.local");
    if (repoLocal != null) {
      cmd.add("-Dmaven.repo.local=" + repoLocal);
    }
    cmd.addAll(stage.mvnArgs());
    Path log = context.resolveSibling(context.getFileName() + "-mvn.log");
    Process p = new ProcessBuilder(cmd).directory(context.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(240, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("the build stage's mvn did not finish in 240 s:\n" + Files.readString(log));
      }
      assertEquals(0, p.exitValue(), "the build stage fails (" + String.join(" ", cmd) + "):\n" + Files.readString(log));
      assertTrue(Files.isRegularFile(jar), "the build stage did not build " + stage.artifact() + ", which the run stage copies");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The build stage (FROM ... AS build up to the next FROM) and the path the run stage copies from it. */
  static BuildStage parse(String dockerfile) {
    String workdir = "/";
    List<Copy> copies = new ArrayList<>();
    List<String> mvn = null;
    String artifact = null;
    String stage = null;
    for (String line : dockerfile.replace("\\\n", " ").split("\n")) {
      String[] words = line.trim().split("\\s+");
      String instruction = words[0].toUpperCase();
      if (words[0].isEmpty() || words[0].startsWith("#")) {
        continue;
      }
      if (instruction.equals("FROM")) {
        stage = words.length >= 4 && words[2].equalsIgnoreCase("AS") ? words[3] : "";
        continue;
      }
      List<String> args = new ArrayList<>(Arrays.asList(words).subList(1, words.length));
      if ("build".equals(stage)) {
        switch (instruction) {
          case "WORKDIR" -> workdir = args.get(0);
          case "COPY" -> {
            assertTrue(args.stream().noneMatch(a -> a.startsWith("--") || a.startsWith("[") || a.contains("*")),
                "this replay only knows plain COPY SRC... DEST: " + line);
            copies.add(new Copy(List.copyOf(args.subList(0, args.size() - 1)), args.get(args.size() - 1)));
          }
          case "RUN" -> {
            assertTrue(mvn == null && args.get(0).equals("mvn") && !line.contains("&&") && !line.contains(";"),
                "this replay only knows one RUN mvn ... line: " + line);
            mvn = List.copyOf(args.subList(1, args.size()));
          }
          case "ARG", "ENV", "LABEL" -> throw new AssertionError("this replay does not apply " + instruction + ": " + line);
          default -> { }
        }
      } else if (instruction.equals("COPY") && args.size() == 3 && args.get(0).equals("--from=build")) {
        String from = args.get(1);
        assertTrue(from.startsWith(workdir + "/"), "the run stage copies " + from + " from outside the build's WORKDIR " + workdir);
        artifact = from.substring(workdir.length() + 1);
      }
    }
    assertTrue(!copies.isEmpty() && mvn != null, "no build stage with COPY and RUN mvn in docker/Dockerfile");
    assertTrue(mvn.contains("-DskipTests"), "the build stage's mvn runs no tests (else this test would run the suite again): " + mvn);
    assertEquals("cli/target/workq.jar", artifact, "the run stage takes the cli's jar from the build stage");
    return new BuildStage(workdir, copies, mvn, artifact);
  }

  /** Where {@code src} of {@code copy} lands in the context, by Docker's COPY rules for files and directories. */
  private static Path target(Path context, String workdir, Copy copy, String src) {
    String dest = copy.dest();
    if (dest.startsWith("/")) {
      assertTrue(dest.equals(workdir) || dest.startsWith(workdir + "/"), "COPY to " + dest + ", outside the WORKDIR " + workdir);
      dest = dest.equals(workdir) ? "." : dest.substring(workdir.length() + 1);
    }
    Path to = context.resolve(dest).normalize();
    boolean intoDirectory = dest.endsWith("/") || dest.equals(".") || copy.sources().size() > 1;
    return Files.isRegularFile(ROOT.resolve(src)) && intoDirectory ? to.resolve(Path.of(src).getFileName()) : to;
  }

  /** Copies a file, or a directory's contents, to {@code to}, leaving out what .dockerignore excludes. */
  private static void copyInto(Path from, Path to, List<String> ignored) throws IOException {
    List<PathMatcher> matchers = ignored.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        if (isIgnored(ROOT.relativize(path), matchers)) {
          continue;
        }
        Path dest = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(dest);
        } else {
          Files.createDirectories(dest.getParent());
          Files.copy(path, dest);
        }
      }
    }
  }

  /** Excluded if the path or any of its parents matches a pattern, as Docker excludes whole directories. */
  private static boolean isIgnored(Path relative, List<PathMatcher> matchers) {
    for (Path p = relative; p != null && !p.toString().isEmpty(); p = p.getParent()) {
      for (PathMatcher m : matchers) {
        if (m.matches(p)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * .dockerignore's patterns as globs. Docker's leading {@code **}/ also matches no directory at
   * all, so each such pattern is added without it too; exceptions ({@code !}) are not supported.
   */
  private static List<String> dockerignore() throws IOException {
    Path file = ROOT.resolve(".dockerignore");
    List<String> globs = new ArrayList<>();
    if (!Files.exists(file)) {
      return globs;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String pattern = line.trim();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      assertFalse(pattern.startsWith("!"), "this replay does not know .dockerignore exceptions: " + pattern);
      pattern = pattern.replaceAll("^/+|/+$", "");
      globs.add(pattern);
      if (pattern.startsWith("**/")) {
        globs.add(pattern.substring(3));
      }
    }
    return globs;
  }

  /** The mvn on the PATH (or under $MAVEN_HOME); without one the test is skipped, except on CI. */
  private static String mvn() {
    List<Path> candidates = new ArrayList<>();
    String home = System.getenv("MAVEN_HOME");
    if (home != null) {
      candidates.add(Path.of(home, "bin", "mvn"));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      candidates.add(Path.of(dir, "mvn"));
    }
    for (Path c : candidates) {
      if (Files.isExecutable(c)) {
        return c.toString();
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("no mvn on the PATH or under $MAVEN_HOME");
    }
    Assumptions.abort("needs mvn on the PATH to replay the Dockerfile's build stage");
    return null;
  }
}
