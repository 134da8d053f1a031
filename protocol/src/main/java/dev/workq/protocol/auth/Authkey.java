package dev.workq.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared-secret handshake, modelled on Python's {@code multiprocessing.connection} but mutual:
 * <ol>
 *   <li>peer → broker: HELLO (version, role; nothing is registered yet)</li>
 *   <li>broker → peer: AUTH_CHALLENGE{nonce_b} (32 fresh random bytes)</li>
 *   <li>peer → broker: AUTH_RESPONSE{hmac = HMAC-SHA256(key, {@value #SERVER_LABEL} ‖ nonce_b),
 *       nonce_p}</li>
 *   <li>broker → peer: AUTH_OK{HMAC-SHA256(key, {@value #CLIENT_LABEL} ‖ nonce_p)}, then WELCOME;
 *       or ERROR{AUTH_FAILED} and close</li>
 * </ol>
 * The key never travels; each side proves it holds it by answering a nonce the other side just
 * drew, so a recorded answer is worth nothing on another connection, and the two labels differ so
 * that one side's proof can never be reflected back as the other's. Comparisons are constant-time.
 */
public final class Authkey {

  /** Name of the environment variable that holds the key when no key file is given. */
  public static final String ENV = "WORKQ_AUTHKEY";
  /** What the peer signs, followed by the broker's nonce. */
  public static final String SERVER_LABEL = "workq-auth-v1:server-challenge:";
  /** What the broker signs, followed by the peer's nonce. */
  public static final String CLIENT_LABEL = "workq-auth-v1:client-challenge:";
  /** Bytes of each nonce. */
  public static final int NONCE_BYTES = 32;
  /** Shortest key the broker accepts, in bytes: {@value}. */
  public static final int MIN_KEY_BYTES = 16;
  /** Longest key accepted, in bytes. */
  public static final int MAX_KEY_BYTES = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Authkey() {}

  /** 32 fresh random bytes. */
  public static byte[] newNonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** A random key, printable so it survives an environment variable: 43 base64 characters. */
  public static byte[] generate() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(newNonce()).getBytes(StandardCharsets.US_ASCII);
  }

  public static String encode(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The nonce in {@code base64}, or null when it is not base64 of exactly {@link #NONCE_BYTES} bytes. */
  public static byte[] decodeNonce(String base64) {
    byte[] b = decode(base64);
    return b != null && b.length == NONCE_BYTES ? b : null;
  }

  /** The proof of {@code key} for {@code nonce} under {@code label}, base64. */
  public static String prove(byte[] key, String label, byte[] nonce) {
    return encode(hmac(key, label, nonce));
  }

  /** Whether {@code presented} (base64) is the proof of {@code key} for {@code nonce}; constant-time. */
  public static boolean verify(byte[] key, String label, byte[] nonce, String presented) {
    byte[] got = decode(presented);
    return got != null && MessageDigest.isEqual(hmac(key, label, nonce), got);
  }

  private static byte[] hmac(byte[] key, String label, byte[] nonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(label.getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(nonce);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static byte[] decode(String base64) {
    if (base64 == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The key to use: the contents of {@code file} when given, else the value of
   * {@value #ENV} in {@code env} when set, else null (no key).
   *
   * @throws IllegalArgumentException naming the file or variable when the key cannot be used
   */
  public static byte[] resolve(Path file, String envValue) {
    if (file != null) {
      return readFile(file);
    }
    if (envValue == null) {
      return null;
    }
    return check(envValue.strip().getBytes(StandardCharsets.UTF_8), ENV);
  }

  /**
   * Reads a key file through {@link SecretFile}: its bytes less trailing whitespace. Refuses a
   * missing or empty file and, on POSIX systems, one with any group or other permission bit.
   */
  public static byte[] readFile(Path file) {
    return check(SecretFile.read(file, "authkey", MAX_KEY_BYTES), "authkey file " + file);
  }

  /**
   * Refuses a key shorter than {@link #MIN_KEY_BYTES}: one observed handshake lets anyone test
   * guesses offline, and a short key falls in seconds. The broker applies this to its own key.
   *
   * @throws IllegalArgumentException naming {@code where} and the length
   */
  public static byte[] requireStrong(byte[] key, String where) {
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(where + " has " + key.length + " bytes; an authkey needs at least " + MIN_KEY_BYTES
          + " (make one of 32 random bytes: head -c 32 /dev/urandom | base64 > key && chmod 600 key)");
    }
    return key;
  }

  private static byte[] check(byte[] key, String where) {
    if (key.length == 0) {
      throw new IllegalArgumentException(where + " is empty: an authkey needs at least one byte (32 random ones are better)");
    }
    if (key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(where + " is over " + MAX_KEY_BYTES + " bytes");
    }
    return key;
  }
}
