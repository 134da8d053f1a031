package dev.workq.server.internal.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The JVM's and the process's meters, from Micrometer's binders: heap and non-heap pools and the
 * buffer pools (direct and mapped memory: {@code jvm_buffer_*}), GC pauses and allocation,
 * threads, classes, CPU (usage, load, and time as {@code process_cpu_seconds_total}), uptime and
 * start time, open and maximum file descriptors. They read MX
 * beans when scraped, on the HTTP plane's thread; GC events are counted by a JMX notification
 * listener, which {@link #close()} removes. Owned by {@link HttpServer}.
 */
final class JvmMeters implements AutoCloseable {

  private final JvmGcMetrics gc = new JvmGcMetrics();

  JvmMeters(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    processCpuSeconds(registry);
  }

  /**
   * The process's CPU time in seconds, under the name Prometheus' own clients use; Micrometer's is
   * in nanoseconds, named {@code process_cpu_time_ns_total}, which promtool rejects (BrokerMeters
   * drops it). Not registered on a JVM that cannot tell.
   */
  private static void processCpuSeconds(MeterRegistry registry) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean bean && bean.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu", bean, b -> b.getProcessCpuTime() / 1e9)
          .description("CPU time the broker's JVM process used, user and system")
          .baseUnit("seconds")
          .register(registry);
    }
  }

  @Override
  public void close() {
    gc.close();
  }
}
