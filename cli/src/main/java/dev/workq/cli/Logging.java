package dev.workq.cli;

/**
 * Sets the log level before the first logger exists (slf4j-simple reads it once). Daemons (broker,
 * worker) log at info; one-shot commands at warn, so their stdout stays data. {@code --verbose}
 * means debug.
 */
public final class Logging {

  private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  private Logging() {}

  public static void daemon() {
    set("info");
  }

  public static void command() {
    set("warn");
  }

  private static void set(String level) {
    if (Workq.verbose()) {
      level = "debug";
    }
    if (System.getProperty(LEVEL) == null || Workq.verbose()) {
      System.setProperty(LEVEL, level);
    }
    // Netty's own debug lines are noise even in verbose mode.
    System.setProperty("org.slf4j.simpleLogger.log.io.netty", "warn");
    // Ratis logs every setting and every step of an election at info; its warnings are what matter
    // (the node's own lines say when it leads, follows, or loads a snapshot).
    if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.ratis") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis", Workq.verbose() ? "info" : "warn");
    }
  }
}
