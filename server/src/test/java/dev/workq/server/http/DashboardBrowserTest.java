package dev.workq.server.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * queue's depth change as tasks are submitted, and a click on Requeue puts a dead letter back.
 * CI installs Chromium; elsewhere the test is skipped when it is missing, saying so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void dashboardShowsDepthChangesAndRequeuesADeadLetterOnClick(@TempDir Path profile) throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!ci) {
      Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
          "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); .ci/run installs them");
    }
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

  private static WebDriver chrome(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // The flags this machine's closed network needs, plus a throwaway profile.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,900", "--user-data-dir=" + profile.toAbsolutePath());
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
