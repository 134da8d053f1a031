package dev.workq.server.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.workq.client.ClientOptions;
import dev.workq.client.WorkqClient;
import dev.workq.protocol.QueueStats;
import dev.workq.server.Broker;
import dev.workq.server.BrokerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The dashboard's task and queue lifecycle in headless Chromium: a task looked up by id shows its
 * state and is cancelled with its button; a queue's next items are peeked, then purged, each after
 * the page's confirmation. Skipped without Chromium, as {@link DashboardBrowserTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardLifecycleBrowserTest {

  @Test
  void aTaskIsLookedUpAndCancelledAndAQueueIsPeekedAndPurged(@TempDir Path profile) throws Exception {
    DashboardBrowserTest.assumeChromium();
    try (Broker broker = Broker.start(BrokerOptions.builder().port(0).http(h -> h.port(0)).build());
        WorkqClient client = WorkqClient.connect(ClientOptions.builder().port(broker.port()).build())) {
      String id = client.async().enqueue("images", "resize", Map.of("w", 64)).get(5, TimeUnit.SECONDS);
      client.async().enqueue("images", "resize", Map.of("w", 128)).get(5, TimeUnit.SECONDS);
      WebDriver browser = DashboardBrowserTest.chrome(profile);
      try {
        browser.get("http://127.0.0.1:" + broker.httpPort() + "/");
        // The page's confirm() dialogs say yes, so a click acts at once.
        ((JavascriptExecutor) browser).executeScript("window.confirm = () => true;");

        browser.findElement(By.id("task-id")).sendKeys(id);
        browser.findElement(By.cssSelector("#task-lookup button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> field(browser, "state").equals("READY"));
        assertEquals("images", field(browser, "queue"));
        browser.findElement(By.id("task-cancel")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> field(browser, "state").equals("CANCELLED"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElement(By.id("task-cancel")).isDisplayed());
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(broker, "images").ready() == 1);

        click(browser, "#queues tr[data-queue='images'] button.peek");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("peek-section")).isDisplayed());
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
            .until(() -> browser.findElement(By.cssSelector("#peek tbody")).getText().contains("\"w\":128"));

        click(browser, "#queues tr[data-queue='images'] button.purge");
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(broker, "images").ready() == 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("status")).getText().contains("purged images: 1 ready"));

        // A typo'd id is said to be unknown, with nothing to cancel.
        browser.findElement(By.id("task-id")).clear();
        browser.findElement(By.id("task-id")).sendKeys("no-such-task");
        browser.findElement(By.cssSelector("#task-lookup button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> field(browser, "state").equals("NOT_FOUND"));
        assertEquals(false, browser.findElement(By.id("task-cancel")).isDisplayed());
      } finally {
        browser.quit();
      }
    }
  }

  /** A field of the task shown, read in one script call (the table is redrawn every second). */
  private static String field(WebDriver browser, String name) {
    Object text = ((JavascriptExecutor) browser).executeScript(
        "const c = document.querySelector(\"#task td[data-field='\" + arguments[0] + \"']\"); return c ? c.textContent : '';", name);
    return String.valueOf(text);
  }

  /** Clicks a button of the queues table, again if a redraw made it stale. */
  private static void click(WebDriver browser, String css) {
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      browser.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  private static QueueStats queue(Broker broker, String name) {
    return broker.stats().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
  }
}
