package dev.workq.protocol;

/**
 * The peer's answer to an {@link AuthChallenge}.
 *
 * @param hmac base64 HMAC-SHA256 under the authkey of {@code "workq-auth-v1:server-challenge:"}
 *     followed by the broker's nonce bytes
 * @param nonce the peer's own 32 fresh random bytes, base64: the broker must answer them to prove
 *     it holds the key too
 */
public record AuthResponse(String hmac, String nonce) implements Message {

  public AuthResponse {
    hmac = Validate.text("hmac", hmac, 64);
    nonce = Validate.text("nonce", nonce, 64);
  }
}
