package dev.workq.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DrainingExecutorTest {

  @Test
  void aBurstRunsInOrderInOneTaskOfTheThreadAndAFailureDoesNotStopTheRest() throws Exception {
    ThreadPoolExecutor thread = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
    DrainingExecutor executor = new DrainingExecutor(thread);
    CountDownLatch hold = new CountDownLatch(1);
    executor.execute(() -> {
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int n = i;
      executor.execute(() -> {
        if (n == 500) {
          throw new IllegalStateException("a failing callback");
        }
        ran.add(n);
      });
    }
    hold.countDown();
    CountDownLatch done = new CountDownLatch(1);
    executor.execute(done::countDown);
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(999, ran.size());
    for (int i = 0; i < 999; i++) {
      assertEquals(i < 500 ? i : i + 1, ran.get(i));
    }
    assertTrue(thread.getCompletedTaskCount() <= 2, "a burst is one task of the thread, got " + thread.getCompletedTaskCount());
    executor.shutdown();
    assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
  }

  @Test
  void shutdownNowHandsBackWhatHasNotRun() throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    DrainingExecutor executor = new DrainingExecutor(thread);
    CountDownLatch started = new CountDownLatch(1);
    executor.execute(() -> {
      started.countDown();
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    executor.execute(() -> { });
    executor.execute(() -> { });
    assertEquals(2, executor.shutdownNow().size());
    assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
  }
}
