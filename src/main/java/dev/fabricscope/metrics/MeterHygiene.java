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
import java.util.Set;

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
 *
 * <p>And bounds the {@code method} tag (twelfth security review): Quarkus 3.33's HTTP binder tags
 * requests with the method as sent, so every made-up method (up to 64 KiB of request line, no token
 * needed) was a new series, and about 8,000 of them ran a 512 MiB server out of heap. Methods other
 * than the nine standard ones are tagged {@code OTHER}. Micrometer keeps the id as sent only for
 * the request that creates a meter; later ones find it by the mapped id, so memory stays bounded
 * ({@code MethodTagsTest} counts the registry's cache). Upstream fixed the binder in Quarkus
 * #55030, after 3.33.
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

  /** The methods of RFC 9110 and RFC 5789 (PATCH): the only {@code method} tag values kept. */
  public static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** The {@code method} tag of every other method. */
  public static final String OTHER_METHOD = "OTHER";

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
        String method = id.getTag("method");
        if (method != null && !STANDARD_METHODS.contains(method)) {
          id = id.replaceTags(Tags.of(id.getTagsAsIterable()).and("method", OTHER_METHOD));
        }
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
