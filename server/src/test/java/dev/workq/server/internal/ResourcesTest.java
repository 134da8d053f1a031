package dev.workq.server.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {

  private final List<String> closed = new ArrayList<>();
  private final Resources resources = new Resources();

  private void started(String name) {
    resources.onClose(name, () -> closed.add(name));
  }

  @Test
  void closesInTheReverseOfTheOrderStarted() {
    started("lock");
    started("core");
    AutoCloseable listener = () -> closed.add("listener");
    assertSame(listener, resources.add("listener", listener), "add hands the resource back for the caller to use");

    resources.close();

    assertEquals(List.of("listener", "core", "lock"), closed);
  }

  @Test
  void closesEachOnlyOnce() {
    started("core");
    resources.close();
    resources.close();
    assertEquals(List.of("core"), closed);
  }

  @Test
  void aStartFailingHalfWayClosesWhatWasStartedAndReportsTheFailure() {
    started("lock");
    started("core");
    IllegalStateException bindFailed = new IllegalStateException("cannot listen on 127.0.0.1:7070");

    IllegalStateException reported = resources.closeAfter(bindFailed);

    assertSame(bindFailed, reported, "the failure that stopped the start is the one reported");
    assertEquals(List.of("core", "lock"), closed);
    assertEquals(0, reported.getSuppressed().length);
  }

  @Test
  void failuresToCloseAfterAFailedStartAreSuppressedInItNotLost() {
    started("lock");
    resources.onClose("core", () -> {
      throw new IOException("journal close failed");
    });
    started("threads");
    RuntimeException cause = new RuntimeException("start failed");

    resources.closeAfter(cause);

    assertEquals(List.of("threads", "lock"), closed, "a close that throws does not stop the others");
    assertEquals(1, cause.getSuppressed().length);
    assertEquals("journal close failed", cause.getSuppressed()[0].getMessage());
  }

  @Test
  void closeGoesOnPastFailuresAndThrowsTheFirstWithLaterOnesSuppressed() {
    resources.onClose("lock", () -> {
      throw new IOException("second");
    });
    started("core");
    resources.onClose("listener", () -> {
      throw new IllegalStateException("first");
    });

    IllegalStateException e = assertThrows(IllegalStateException.class, resources::close);

    assertEquals(List.of("core"), closed);
    assertTrue(e.getMessage().contains("listener") && e.getMessage().contains("first"), e.getMessage());
    assertEquals("first", e.getCause().getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertEquals("second", e.getSuppressed()[0].getMessage());
    assertDoesNotThrow(resources::close, "nothing is left to close");
  }
}
