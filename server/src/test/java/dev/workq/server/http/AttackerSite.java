package dev.workq.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Another origin on this host (127.0.0.1, another port): a page that tries, from the browser,
 * what a malicious site would against the broker's HTTP API, and reports to this server what its
 * fetches got before it submits its form.
 */
final class AttackerSite {

  private AttackerSite() {}

  static HttpServer start(String broker, CompletableFuture<String> report) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/report")) {
        report.complete(URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8));
        answer(exchange, "text/plain", "ok");
      } else {
        answer(exchange, "text/html; charset=utf-8", page(broker));
      }
    });
    server.start();
    return server;
  }

  /**
   * A text/plain form (the classic CSRF that smuggles JSON-looking bodies) to pause, a no-cors
   * fetch and a JSON fetch to purge; the form goes last, since it navigates away.
   */
  static String page(String broker) {
    return "<!doctype html><html><body>\n"
        + "<form id='f' method='POST' enctype='text/plain' action='" + broker + "/api/queues/images/pause'>"
        + "<input name='{\"x\":\"' value='\"}'></form>\n"
        + "<script>\n"
        + "(async () => {\n"
        + "  const out = [];\n"
        + "  try { await fetch('" + broker + "/api/dead-letters/purge?queue=thumbs', {method: 'POST', mode: 'no-cors',"
        + " headers: {'Content-Type': 'text/plain'}, body: '{}'}); out.push('no-cors: answered'); }"
        + " catch (e) { out.push('no-cors: failed ' + e); }\n"
        + "  try { await fetch('" + broker + "/api/dead-letters/purge?queue=thumbs', {method: 'POST',"
        + " headers: {'Content-Type': 'application/json'}, body: '{}'}); out.push('json: answered'); }"
        + " catch (e) { out.push('json: blocked'); }\n"
        + "  await fetch('/report?' + encodeURIComponent(out.join('; ')));\n"
        + "  document.getElementById('f').submit();\n"
        + "})();\n"
        + "</script></body></html>\n";
  }

  private static void answer(HttpExchange exchange, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
