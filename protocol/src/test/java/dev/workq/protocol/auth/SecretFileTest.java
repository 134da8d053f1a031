package dev.workq.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one reader of key and token files: owner-only modes, trailing whitespace, sizes. */
class SecretFileTest {

  @TempDir
  Path dir;

  private Path file(String content, String perms) throws Exception {
    Path f = Files.writeString(dir.resolve("secret-" + System.nanoTime()), content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
    return f;
  }

  @Test
  void anOwnerOnlyFileIsReadWithoutItsTrailingNewline() throws Exception {
    assertArrayEquals("0123456789abcdef-key".getBytes(StandardCharsets.UTF_8),
        Authkey.readFile(file("0123456789abcdef-key\n", "rw-------")));
    assertArrayEquals("read-only-by-owner".getBytes(StandardCharsets.UTF_8),
        SecretFile.read(file("read-only-by-owner", "r--------"), "HTTP token", 100));
  }

  @ParameterizedTest
  @CsvSource({"rw-r-----, 640", "rw----r--, 604", "rw--w--w-, 622", "rw------x, 601", "rw-rw-rw-, 666"})
  void aFileWithAnyGroupOrOtherBitIsRefusedNamingItsMode(String perms, String mode) throws Exception {
    Path f = file("0123456789abcdef-key\n", perms);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Authkey.readFile(f));
    assertEquals("authkey file " + f + " has mode " + mode + "; it must be readable by its owner only (chmod 600 " + f + ")",
        e.getMessage());
    IllegalArgumentException token = assertThrows(IllegalArgumentException.class, () -> SecretFile.read(f, "HTTP token", 100));
    assertTrue(token.getMessage().startsWith("HTTP token file " + f + " has mode " + mode), token.getMessage());
  }

  @Test
  void aMissingEmptyOrOversizedFileIsRefusedByName() throws Exception {
    Path missing = dir.resolve("nope");
    assertEquals("cannot read authkey file " + missing + ": no such file",
        assertThrows(IllegalArgumentException.class, () -> Authkey.readFile(missing)).getMessage());
    Path empty = file(" \n", "rw-------");
    assertEquals("HTTP token file " + empty + " is empty",
        assertThrows(IllegalArgumentException.class, () -> SecretFile.read(empty, "HTTP token", 100)).getMessage());
    Path big = file("x".repeat(200), "rw-------");
    assertEquals("HTTP token file " + big + " is over 100 bytes",
        assertThrows(IllegalArgumentException.class, () -> SecretFile.read(big, "HTTP token", 100)).getMessage());
  }

  @Test
  void anEnvironmentValueIsUsedWhenNoFileIsGivenAndAFileWins() throws Exception {
    assertArrayEquals("from-the-environment".getBytes(StandardCharsets.UTF_8),
        SecretFile.resolve(null, "WORKQ_HTTP_TOKEN", " from-the-environment\n", "HTTP token", 100));
    assertArrayEquals("from-the-file-xxxxx".getBytes(StandardCharsets.UTF_8),
        SecretFile.resolve(file("from-the-file-xxxxx\n", "rw-------"), "WORKQ_HTTP_TOKEN", "env", "HTTP token", 100));
    assertEquals(null, SecretFile.resolve(null, "WORKQ_HTTP_TOKEN", null, "HTTP token", 100));
  }

  @Test
  void aKeyUnderSixteenBytesIsNotStrong() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Authkey.requireStrong("short-key".getBytes(StandardCharsets.UTF_8), "authkey"));
    assertTrue(e.getMessage().startsWith("authkey has 9 bytes; an authkey needs at least 16"), e.getMessage());
    assertEquals(16, Authkey.requireStrong(new byte[16], "authkey").length);
    assertEquals(43, Authkey.requireStrong(Authkey.generate(), "authkey").length, "a generated key is strong");
  }
}
