package dev.workq.protocol;

/**
 * The broker's answer to a {@link Hello} when it holds an authkey: prove you hold it too. Nothing
 * but an {@link AuthResponse} is accepted next. See {@link dev.workq.protocol.auth.Authkey}.
 *
 * @param nonce 32 fresh random bytes, base64; never sent twice
 */
public record AuthChallenge(String nonce) implements Message {

  public AuthChallenge {
    nonce = Validate.text("nonce", nonce, 64);
  }
}
