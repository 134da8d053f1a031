package dev.workq.protocol.auth;

import dev.workq.protocol.FileModes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

/**
 * The one reader of secret files (the authkey, the HTTP plane's tokens): the file's bytes less
 * trailing whitespace (the newline an editor adds). On POSIX file systems a file with any group or
 * other permission bit is refused, naming the file and its mode: a secret another user can read is
 * no secret from them, and one they can write (622) lets them swap it for their own.
 */
public final class SecretFile {

  private SecretFile() {}

  /**
   * Reads {@code file}, a secret described as {@code what} in messages (e.g. "authkey").
   *
   * @param maxBytes the largest secret accepted, before its trailing whitespace is trimmed
   * @throws IllegalArgumentException naming the file when it is missing, unreadable, too open,
   *     too large or empty
   */
  public static byte[] read(Path file, String what, int maxBytes) {
    byte[] bytes;
    try {
      if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!FileModes.ownerOnly(perms)) {
          throw new IllegalArgumentException(what + " file " + file + " has mode " + mode(perms)
              + "; it must be readable by its owner only (chmod 600 " + file + ")");
        }
      }
      if (Files.size(file) > maxBytes + 64L) {
        throw new IllegalArgumentException(what + " file " + file + " is over " + maxBytes + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + what + " file " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + e.getMessage());
    }
    int end = bytes.length;
    while (end > 0 && Character.isWhitespace(bytes[end - 1])) {
      end--;
    }
    if (end == 0) {
      throw new IllegalArgumentException(what + " file " + file + " is empty");
    }
    if (end > maxBytes) {
      throw new IllegalArgumentException(what + " file " + file + " is over " + maxBytes + " bytes");
    }
    return Arrays.copyOf(bytes, end);
  }

  /**
   * The secret to use: {@code file}'s when given, else {@code envValue} (the variable
   * {@code envName}, stripped of surrounding whitespace) when set, else null.
   */
  public static byte[] resolve(Path file, String envName, String envValue, String what, int maxBytes) {
    if (file != null) {
      return read(file, what, maxBytes);
    }
    if (envValue == null) {
      return null;
    }
    byte[] value = envValue.strip().getBytes(StandardCharsets.UTF_8);
    if (value.length == 0) {
      throw new IllegalArgumentException(envName + " is empty");
    }
    if (value.length > maxBytes) {
      throw new IllegalArgumentException(envName + " is over " + maxBytes + " bytes");
    }
    return value;
  }

  /** The permissions as the octal mode {@code ls -l}'s readers know, e.g. 640. */
  static String mode(Set<PosixFilePermission> perms) {
    return Integer.toOctalString(FileModes.bits(perms));
  }
}
