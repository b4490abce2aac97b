package dev.fabricscope.api;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.sysfs.UnpackTemps;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * At start, removes the unpacked trees and staged uploads that imports of an earlier process left
 * in the temp base ({@code fabricscope.tmpdir}, else {@code /dev/shm} or {@code java.io.tmpdir}):
 * an import cut short by a shutdown or a crash never reaches its {@code finally}, and each such
 * import held up to the unpack limit there (RAM in {@code /dev/shm}; the chart's emptyDir outlives
 * a container restart). Only entries older than this JVM's start whose pid is not another live
 * process's are removed ({@link UnpackTemps#removeLeftovers}), so a second server sharing the
 * folder keeps its imports.
 */
@ApplicationScoped
public class ImportLeftovers {

  @Inject FabricscopeConfig config;

  void onStart(@Observes StartupEvent e) {
    Path base = ImportFolder.base(config.tmpdir());
    // the JVM's own start, in milliseconds: anything modified before it was not written by us
    Instant start = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    // the base itself holds earlier versions' leftovers (they unpacked there); only ours are swept
    sweep(base, start);
    try {
      Path own = ImportFolder.of(config.tmpdir());
      if (!own.equals(base)) {
        sweep(own, start);
      }
    } catch (IOException ex) {
      Log.warnf("Imports cannot be unpacked: %s", ex.getMessage());
    }
    // the demo archives are copied to java.io.tmpdir before they are unpacked in the base
    Path javaTmp = Path.of(System.getProperty("java.io.tmpdir"));
    if (!javaTmp.toAbsolutePath().normalize().equals(base.toAbsolutePath().normalize())) {
      sweep(javaTmp, start);
    }
  }

  private static void sweep(Path base, Instant start) {
    try {
      List<Path> removed = UnpackTemps.removeLeftovers(base, start);
      if (!removed.isEmpty()) {
        Log.infof(
            "Removed %d temporary import files of an earlier run from %s: %s",
            removed.size(), base, removed.stream().map(p -> p.getFileName().toString()).toList());
      }
    } catch (IOException ex) {
      // the folder may not exist yet or be unreadable: imports will say so when they need it
      Log.warnf("Cannot look for leftover import files in %s: %s", base, ex.getMessage());
    }
  }
}
