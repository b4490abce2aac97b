package dev.fabricscope.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Makes the framework's meters pass {@code promtool check metrics} (Prometheus's own lint, run by
 * {@code MetricsPromtoolTest}) next to ours. Quarkus applies every {@link MeterFilter} bean to the
 * registry. Without these, promtool reports:
 *
 * <ul>
 *   <li>"no help text" for Vert.x and Netty meters registered without a description: given one
 *       here, by name;
 *   <li>"metric names should not contain abbreviated units" for {@code process_cpu_time_ns_total}
 *       (Micrometer's CPU time in nanoseconds): replaced by {@code process_cpu_seconds_total}, the
 *       name Prometheus's own client libraries use;
 *   <li>"non-histogram and non-summary metrics should not have _count suffix" for the gauge {@code
 *       system_cpu_count}: renamed {@code system_cpus};
 *   <li>"no help text" for the long-task timer {@code http.server.connections}, written as a
 *       summary whose {@code _active_count}/{@code _duration_sum} samples no parser ties to its
 *       HELP: dropped ({@code http_server_active_connections} still counts open connections).
 * </ul>
 */
@ApplicationScoped
public class MeterHygiene {

  /** Descriptions for framework meters that come without one. */
  static final Map<String, String> DESCRIPTIONS =
      Map.of(
          "http.server.active.requests", "HTTP requests being handled now",
          "netty.allocator.memory.pinned", "Bytes of Netty buffer memory in use by buffers",
          "netty.allocator.memory.used", "Bytes of memory reserved by a Netty allocator",
          "netty.allocator.pooled.arenas", "Arenas of a Netty pooled allocator",
          "netty.allocator.pooled.cache.size", "Cache size of a Netty pooled allocator, in entries",
          "netty.allocator.pooled.chunk.size", "Chunk size of a Netty pooled allocator, in bytes",
          "netty.allocator.pooled.threadlocal.caches",
              "Thread-local caches of a Netty pooled allocator",
          "netty.eventexecutor.tasks.pending", "Tasks waiting in a Netty event loop's queue");

  @Produces
  @Singleton
  MeterFilter prometheusLint() {
    return new MeterFilter() {
      @Override
      public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
        return switch (id.getName()) {
          case "process.cpu.time", "http.server.connections" ->
              io.micrometer.core.instrument.config.MeterFilterReply.DENY;
          default -> io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
        };
      }

      @Override
      public Meter.Id map(Meter.Id id) {
        if (id.getName().equals("system.cpu.count")) {
          return id.withName("system.cpus");
        }
        String description = DESCRIPTIONS.get(id.getName());
        if (description != null && (id.getDescription() == null || id.getDescription().isBlank())) {
          return new Meter.Id(
              id.getName(),
              Tags.of(id.getTagsAsIterable()),
              id.getBaseUnit(),
              description,
              id.getType());
        }
        return id;
      }
    };
  }

  /** The process's CPU time in seconds, in place of the denied nanosecond counter. */
  void onStart(@Observes StartupEvent e, MeterRegistry registry) {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, b -> b.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time used by the Java Virtual Machine process")
          .register(registry);
    }
  }
}
