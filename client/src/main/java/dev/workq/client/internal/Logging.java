package dev.workq.client.internal;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.netty.util.internal.logging.Log4J2LoggerFactory;
import java.lang.reflect.Field;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where the client's loggers come from, so that a program that depends on the client alone, with no
 * SLF4J provider (binding) on its class path, runs without SLF4J's "No SLF4J providers were found"
 * warning on stderr.
 *
 * <p>The client logs through the SLF4J API only and forces no provider on its users. SLF4J 2 prints
 * that warning the first time anything asks {@link LoggerFactory} for a logger while no provider is
 * present, so this class asks {@link ServiceLoader} first, the way {@link LoggerFactory} looks
 * (same service, same class loader, and the {@value #PROVIDER_PROPERTY} system property):
 * <ul>
 *   <li>a provider is present: loggers come from {@link LoggerFactory}, as usual;</li>
 *   <li>none is: loggers are SLF4J's own {@link NOPLogger}, which is what SLF4J would fall back to
 *       after its warning; and Netty, which probes SLF4J the same way the first time one of its
 *       classes logs, is given the logger factory it would pick after that probe failed (Log4J2 when
 *       its API is present, else java.util.logging), unless the program already set one.</li>
 * </ul>
 * The decision is taken once, when the first client class asks for its logger: that is before the
 * client makes any Netty class log.
 *
 * <p>A program that wants the client's log lines adds any SLF4J 2 provider (slf4j-simple, logback,
 * log4j-slf4j2-impl) to its class path; nothing else changes.
 */
public final class Logging {

  /** The system property through which SLF4J 2.0.9+ takes an explicitly named provider. */
  static final String PROVIDER_PROPERTY = "slf4j.provider";

  private static final boolean PROVIDER_PRESENT = providerPresent();

  static {
    if (!PROVIDER_PRESENT) {
      quietNetty();
    }
  }

  private Logging() {}

  /** The logger for {@code type}: SLF4J's when a provider is present, else a no-op logger. */
  public static Logger logger(Class<?> type) {
    return PROVIDER_PRESENT ? LoggerFactory.getLogger(type) : NOPLogger.NOP_LOGGER;
  }

  /** Whether SLF4J will find a provider (so asking it for a logger prints no warning). */
  public static boolean providerPresent() {
    String explicit = System.getProperty(PROVIDER_PROPERTY);
    if (explicit != null && !explicit.isEmpty()) {
      return true;
    }
    try {
      // hasNext() finds and loads the provider class but does not instantiate it.
      return ServiceLoader.load(SLF4JServiceProvider.class, LoggerFactory.class.getClassLoader()).iterator().hasNext();
    } catch (ServiceConfigurationError | SecurityException e) {
      // A broken provider declaration: let SLF4J report it in its own words.
      return true;
    }
  }

  /**
   * Without an SLF4J provider, Netty's first logger would ask SLF4J for its factory (printing the
   * warning), find the NOP one, and fall back to Log4J2 or java.util.logging. Give Netty that
   * fallback directly, so its logging is unchanged, but only when nobody chose one for it already.
   */
  private static void quietNetty() {
    if (nettyFactoryAlreadySet()) {
      return;
    }
    InternalLoggerFactory factory;
    try {
      Class.forName("org.apache.logging.log4j.LogManager", false, Logging.class.getClassLoader());
      factory = Log4J2LoggerFactory.INSTANCE;
    } catch (ClassNotFoundException | LinkageError e) {
      factory = JdkLoggerFactory.INSTANCE;
    }
    InternalLoggerFactory.setDefaultFactory(factory);
  }

  /**
   * Whether Netty's default logger factory is already decided (set by the program, or chosen by a
   * Netty class that logged before us). Netty offers no way to ask without deciding it, so this
   * reads its field; when that is not allowed, it answers yes, and the worst left is SLF4J's
   * warning.
   */
  private static boolean nettyFactoryAlreadySet() {
    try {
      Field f = InternalLoggerFactory.class.getDeclaredField("defaultFactory");
      f.setAccessible(true);
      return f.get(null) != null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }
}
