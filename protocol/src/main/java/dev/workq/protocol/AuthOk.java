package dev.workq.protocol;

/**
 * The broker accepted the peer's {@link AuthResponse} and proves it holds the key as well.
 *
 * @param hmac base64 HMAC-SHA256 under the authkey of {@code "workq-auth-v1:client-challenge:"}
 *     followed by the peer's nonce bytes
 */
public record AuthOk(String hmac) implements Message {

  public AuthOk {
    hmac = Validate.text("hmac", hmac, 64);
  }
}
