package dev.workq.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code workq run File.java}, as real processes: the program's first class runs with the
 * arguments after the file (options among them), its exit status is the command's, its classes
 * are on a real classpath, and they are deleted when it ends; a file that does not compile, or is
 * not there, fails with one line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunCommandProcessTest {

  private static final String PROGRAM = """
      package demo.run;

      public class Echo {
        public static void main(String[] args) throws Exception {
          String where = Helper.class.getProtectionDomain().getCodeSource().getLocation().getPath();
          System.out.println("args=" + String.join(",", args));
          System.out.println("classes=" + where);
          System.exit(args.length);
        }
      }

      class Helper {}
      """;

  @TempDir
  Path dir;

  record Run(int status, String out, String err) {}

  private Run workq(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-cp", System.getProperty("java.class.path"), "dev.workq.cli.Workq"));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      assertTrue(p.waitFor(90, TimeUnit.SECONDS), "workq run did not end");
    } finally {
      p.destroyForcibly();
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String javaBin() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  @Test
  void runsTheFirstClassWithTheArgumentsAfterTheFileAndReturnsItsStatus() throws Exception {
    Path src = dir.resolve("Echo.java");
    Files.writeString(src, PROGRAM);
    Run r = workq("run", src.toString(), "one", "--two", "-3");
    assertEquals(3, r.status(), r.err());
    assertTrue(r.out().contains("args=one,--two,-3"), r.out());
    String classes = r.out().lines().filter(l -> l.startsWith("classes=")).findFirst().orElseThrow().substring(8);
    assertTrue(classes.contains("workq-run-"), classes);
    assertTrue(!Files.exists(Path.of(classes)), "the compiled classes are deleted when the program ends: " + classes);
  }

  @Test
  void aFileThatDoesNotCompileGetsJavacsMessagesAndOneLine() throws Exception {
    Path src = dir.resolve("Broken.java");
    Files.writeString(src, "public class Broken { public static void main(String[] a) { int x = \"s\"; } }\n");
    Run r = workq("run", src.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("Broken.java:1: error: incompatible types"), r.err());
    assertTrue(r.err().contains("workq: " + src + " does not compile: 1 error, above"), r.err());
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertTrue(tmp.noneMatch(p -> Files.exists(p.resolve("Broken.class"))), "nothing left in the temporary directory");
    }
  }

  @Test
  void aMissingFileIsBadUsage() throws Exception {
    Run r = workq("run", dir.resolve("Nope.java").toString());
    assertEquals(2, r.status());
    assertEquals("workq: " + dir.resolve("Nope.java") + " does not exist or is not a file", r.err().strip());
  }

  @Test
  void aFileThatIsNotJavaIsBadUsage() throws Exception {
    Path txt = dir.resolve("notes.txt");
    Files.writeString(txt, "hello", StandardCharsets.UTF_8);
    Run r = workq("run", txt.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("is not a Java source file"), r.err());
  }
}
