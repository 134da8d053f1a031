package dev.workq.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClientOptions} takes the broker and the key from the environment, below what the program sets. */
class ClientOptionsEnvironmentTest {

  private static final Map<String, String> NONE = Map.of();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Path keyFile(Path dir, String contents) throws Exception {
    Path file = dir.resolve("authkey");
    Files.write(file, utf8(contents));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void withoutTheVariablesTheDefaultsHold() {
    ClientOptions o = ClientOptions.builder(NONE).build();
    assertEquals(ClientOptions.DEFAULT_HOST, o.host());
    assertEquals(ClientOptions.DEFAULT_PORT, o.port());
    assertNull(o.authkey());
  }

  @Test
  void brokerAndKeyComeFromTheEnvironment() {
    ClientOptions o = ClientOptions.builder(Map.of("WORKQ_BROKER", "queue.internal:7171", "WORKQ_AUTHKEY", " s3cret\n")).build();
    assertEquals("queue.internal", o.host());
    assertEquals(7171, o.port());
    assertArrayEquals(utf8("s3cret"), o.authkey(), "the variable's surrounding whitespace is not part of the key");
  }

  @Test
  void anIpv6BrokerVariableIsParsedLikeTheFlag() {
    ClientOptions o = ClientOptions.builder(Map.of("WORKQ_BROKER", "[::1]:7072")).build();
    assertEquals("::1", o.host());
    assertEquals(7072, o.port());
  }

  @Test
  void anEmptyBrokerVariableMeansTheDefault() {
    ClientOptions o = ClientOptions.builder(Map.of("WORKQ_BROKER", "")).build();
    assertEquals(ClientOptions.DEFAULT_HOST + ":" + ClientOptions.DEFAULT_PORT, o.host() + ":" + o.port());
  }

  @Test
  void explicitSettingsWinOverTheEnvironment(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("WORKQ_BROKER", "queue.internal:7171", "WORKQ_AUTHKEY", "from-env");
    ClientOptions o = ClientOptions.builder(env).address("10.1.2.3:9000").authkey(utf8("explicit")).build();
    assertEquals("10.1.2.3", o.host());
    assertEquals(9000, o.port());
    assertArrayEquals(utf8("explicit"), o.authkey());

    assertArrayEquals(utf8("from-file"), ClientOptions.builder(env).authkeyFile(keyFile(dir, "from-file\n")).build().authkey());
    assertNull(ClientOptions.builder(env).authkey(null).build().authkey(), "authkey(null) means no key, whatever the variable says");
  }

  @Test
  void anExplicitHostKeepsThePortOfTheVariable() {
    ClientOptions o = ClientOptions.builder(Map.of("WORKQ_BROKER", "queue.internal:7171")).host("other").build();
    assertEquals("other", o.host());
    assertEquals(7171, o.port());
  }

  @Test
  void aMalformedBrokerVariableIsAOneLineErrorNamingIt() {
    for (String bad : new String[] {"nohostport", "host:", "host:http", "host:0", "host:70000"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ClientOptions.builder(Map.of("WORKQ_BROKER", bad)).build());
      assertTrue(e.getMessage().startsWith("WORKQ_BROKER must be HOST:PORT"), e.getMessage());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void aMalformedBrokerVariableDoesNotMatterOnceTheAddressIsSet() {
    ClientOptions o = ClientOptions.builder(Map.of("WORKQ_BROKER", "nohostport")).address("127.0.0.1:7075").build();
    assertEquals(7075, o.port());
    assertThrows(IllegalArgumentException.class,
        () -> ClientOptions.builder(Map.of("WORKQ_BROKER", "nohostport")).host("h").build(),
        "a host alone still needs the variable's port");
  }

  @Test
  void anEmptyKeyVariableIsAnErrorNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClientOptions.builder(Map.of("WORKQ_AUTHKEY", " \n")).build());
    assertTrue(e.getMessage().startsWith("WORKQ_AUTHKEY is empty"), e.getMessage());
    assertNull(ClientOptions.builder(Map.of("WORKQ_AUTHKEY", "")).authkey(null).build().authkey());
  }

  @Test
  void aKeyFileLosesItsTrailingNewlineLikeTheCli(@TempDir Path dir) throws Exception {
    assertArrayEquals(utf8("correct horse"), ClientOptions.builder(NONE).authkeyFile(keyFile(dir, "correct horse\r\n\n")).build().authkey());
  }

  @Test
  void aKeyFileOthersCanReadIsRefused(@TempDir Path dir) throws Exception {
    Path file = keyFile(dir, "k\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder(NONE).authkeyFile(file));
    assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
  }

  @Test
  void aMissingKeyFileIsAnErrorNamingIt(@TempDir Path dir) {
    Path file = dir.resolve("nope");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientOptions.builder(NONE).authkeyFile(file));
    assertEquals("cannot read authkey file " + file + ": no such file", e.getMessage());
  }

  @Test
  void toBuilderKeepsWhatTheEnvironmentGaveWithoutReadingItAgain() {
    ClientOptions o = ClientOptions.builder(Map.of("WORKQ_BROKER", "queue.internal:7171", "WORKQ_AUTHKEY", "k")).build();
    ClientOptions copy = o.toBuilder().name("copy").build();
    assertEquals("queue.internal", copy.host());
    assertEquals(7171, copy.port());
    assertArrayEquals(utf8("k"), copy.authkey());
  }
}
