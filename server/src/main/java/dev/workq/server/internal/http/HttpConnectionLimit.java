package dev.workq.server.internal.http;

import dev.workq.server.internal.pipeline.ConnectionLimitHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP port's connection cap ({@code --http-max-connections}), for the leader's listener and
 * a follower's alike: a connection over it is answered 503 with a one-line JSON error (in
 * plaintext; over TLS it is just closed) before it costs a TLS handshake or a request buffer.
 */
final class HttpConnectionLimit {

  private HttpConnectionLimit() {}

  static ConnectionLimitHandler of(int max, boolean tls) {
    return new ConnectionLimitHandler(max, tls, "http-max-connections", HttpConnectionLimit::refusal);
  }

  private static ByteBuf refusal(ByteBufAllocator alloc, int max) {
    byte[] body = ("{\"error\":\"CONNECTION_LIMIT: the HTTP port serves its maximum of " + max
        + " connections (--http-max-connections); try again later\"}").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    ByteBuf out = alloc.buffer(head.length() + body.length);
    out.writeCharSequence(head, StandardCharsets.US_ASCII);
    out.writeBytes(body);
    return out;
  }
}
