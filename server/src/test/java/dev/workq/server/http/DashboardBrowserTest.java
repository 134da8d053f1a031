package dev.workq.server.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.QueueStats;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard end to end in headless Chromium (Debian's chromium and chromium-driver): it shows a
 * queue's depth change as tasks are submitted, a click on Requeue puts a dead letter back, the token
 * form works, and pages from other origins (or rebound names) cannot act.
 * CI installs Chromium; elsewhere the test is skipped when it is missing, saying so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Skips without Chromium, except on CI (CI=true), where a missing browser must fail the build, not hide it. */
  static void assumeChromium() {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!ci) {
      Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
          "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); .ci/run installs them");
    }
  }

  @Test
  void dashboardShowsDepthChangesAndRequeuesADeadLetterOnClick(@TempDir Path profile) throws Exception {
    assumeChromium();
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).delivery(d -> d.maxAttempts(1)).build());
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build())) {
      WebDriver browser = chrome(profile);
      try {
        browser.get("http://127.0.0.1:" + broker.httpPort() + "/");
        client.put("images", Map.of("n", 0));
        await().atMost(Duration.ofSeconds(20)).until(() -> depthShown(browser, "images").equals("1"));
        for (int i = 1; i <= 4; i++) {
          client.put("images", Map.of("n", i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> depthShown(browser, "images").equals("5"));

        // A task that fails permanently lands in the dead letters; the page lists it.
        client.async().enqueue("thumbs", "resize", Map.of("w", 64)).get(5, TimeUnit.SECONDS);
        WorkqClient failing = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build());
        failing.consume("thumbs", 1, d -> d.fail("java.io.IOException: corrupt image", true,
            ("{\"id\":\"" + d.id() + "\",\"ok\":false}").getBytes(StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(broker, "thumbs") != null && queue(broker, "thumbs").dead() == 1);
        failing.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.cssSelector("#dead-queue option[value='thumbs']")).isEmpty());
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
          new Select(browser.findElement(By.id("dead-queue"))).selectByValue("thumbs");
          return true;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.cssSelector("#dead tbody tr[data-id] button.requeue")).isEmpty());
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
            .until(() -> browser.findElement(By.cssSelector("#dead tbody")).getText().contains("corrupt image"));
        screenshot(browser);

        // A click can land just as the table is redrawn; then the button is stale and we click the new one.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
          browser.findElement(By.cssSelector("#dead tbody tr[data-id] button.requeue")).click();
          return true;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(broker, "thumbs").dead() == 0);
        assertEquals(1, queue(broker, "thumbs").ready(), "the requeued task is back on its queue");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(By.cssSelector("#dead tbody tr[data-id]")).isEmpty());
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * The attack the issue reproduced, replayed: a page from another origin (another port on the same
   * host) sends a form POST that would pause a queue and two fetch POSTs that would purge the dead
   * letters, and a name rebound to 127.0.0.1 asks for the queues. The broker (no authkey, no
   * tokens: the laptop setup) refuses all of them; the queue stays unpaused and the dead letter stays.
   */
  @Test
  void aPageFromAnotherOriginCannotPauseOrPurgeAndAReboundNameIsRefused(@TempDir Path profile) throws Exception {
    assumeChromium();
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).delivery(d -> d.maxAttempts(1)).build());
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build())) {
      client.put("images", Map.of("n", 1));
      deadLetter(broker, client);
      String target = "http://127.0.0.1:" + broker.httpPort();
      CompletableFuture<String> report = new CompletableFuture<>();
      com.sun.net.httpserver.HttpServer evil = AttackerSite.start(target, report);
      WebDriver browser = chrome(profile, "--host-resolver-rules=MAP evil.example 127.0.0.1");
      try {
        browser.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
        // The page's fetches were answered (an opaque answer for no-cors, a refused preflight for JSON).
        String fetches = report.get(30, TimeUnit.SECONDS);
        assertTrue(fetches.contains("no-cors: answered") && fetches.contains("json: blocked"), fetches);
        // Then its form posted itself, and the browser shows the broker's refusal.
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().startsWith(target + "/api/queues/images/pause"));
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getPageSource().contains("CROSS_ORIGIN"));

        // DNS rebinding: evil.example now resolves to the broker, but the Host header still says evil.example.
        browser.get("http://evil.example:" + broker.httpPort() + "/api/queues");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getPageSource().contains("MISDIRECTED"));

        assertFalse(queue(broker, "images").paused(), "the other origin's form did not pause the queue");
        assertEquals(1, queue(broker, "thumbs").dead(), "the other origin's fetches did not purge the dead letters");
      } finally {
        browser.quit();
        evil.stop(0);
      }
    }
  }

  /**
   * The dashboard of a broker with tokens asks for one in its form, keeps it for the tab (never in
   * the URL), shows data with the read token, reports "needs the admin token" for an action, and
   * acts with the admin token.
   */
  @Test
  void theDashboardAsksForItsTokenOnceAndActsOnlyWithTheAdminToken(@TempDir Path profile) throws Exception {
    assumeChromium();
    String read = "read-token-0123456789";
    String admin = "admin-token-0123456789";
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0)
            .http(h -> h.port(0).readToken(read.getBytes(StandardCharsets.UTF_8)).adminToken(admin.getBytes(StandardCharsets.UTF_8))).build());
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build())) {
      client.put("images", Map.of("n", 1));
      WebDriver browser = chrome(profile);
      try {
        String page = "http://127.0.0.1:" + broker.httpPort() + "/";
        browser.get(page);
        enterToken(browser, read);
        await().atMost(Duration.ofSeconds(20)).until(() -> depthShown(browser, "images").equals("1"));
        assertEquals(page, browser.getCurrentUrl(), "the token is not in the URL");
        assertEquals(read, ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('workq-token')"));

        clickPause(browser, "images");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("status")).getText().contains("needs the admin token"));
        assertFalse(queue(broker, "images").paused(), "the read token cannot pause");

        browser.findElement(By.id("change-token")).click();
        enterToken(browser, admin);
        clickPause(browser, "images");
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(broker, "images").paused());
        assertEquals(page, browser.getCurrentUrl());
      } finally {
        browser.quit();
      }
    }
  }

  static void enterToken(WebDriver browser, String token) {
    await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("login")).isDisplayed());
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.cssSelector("#login button[type=submit]")).click();
    await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElement(By.id("login")).isDisplayed());
  }

  /** Clicks the queue's Pause button; the table is redrawn every second, so a stale button is found again. */
  private static void clickPause(WebDriver browser, String queue) {
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      browser.findElement(By.cssSelector("#queues tr[data-queue='" + queue + "'] button")).click();
      return true;
    });
  }

  /** One task failed for good on "thumbs": a dead letter to purge. */
  private static void deadLetter(Broker broker, WorkqClient client) throws Exception {
    client.enqueue("thumbs", "resize", Map.of("w", 64));
    try (WorkqClient failing = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build())) {
      failing.consume("thumbs", 1, d -> d.fail("java.io.IOException: corrupt image", true,
          ("{\"id\":\"" + d.id() + "\",\"ok\":false}").getBytes(StandardCharsets.UTF_8)));
      await().atMost(Duration.ofSeconds(20)).until(() -> queue(broker, "thumbs") != null && queue(broker, "thumbs").dead() == 1);
    }
  }

  static WebDriver chrome(Path profile, String... extra) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // The flags this machine's closed network needs, plus a throwaway profile.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,900", "--user-data-dir=" + profile.toAbsolutePath());
    options.addArguments(extra);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }

  /**
   * The depth the page shows, read in one script call: the tables are redrawn every second, so an
   * element found in one call may be gone by the next.
   */
  private static String depthShown(WebDriver browser, String queue) {
    Object text = ((JavascriptExecutor) browser).executeScript(
        "const c = document.querySelector(\"#queues tr[data-queue='\" + arguments[0] + \"'] td[data-field='ready']\");"
            + "return c ? c.textContent : '';", queue);
    return String.valueOf(text);
  }

  private static QueueStats queue(Broker broker, String name) {
    return broker.stats().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
  }

  /** With -Dworkq.screenshot=PATH, saves what the page looks like, for the README. */
  private static void screenshot(WebDriver browser) throws Exception {
    String target = System.getProperty("workq.screenshot");
    if (target != null) {
      Files.write(Path.of(target), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
  }
}
