package dev.fabricscope.demo;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The demo reports bundled with the server: gathered sysfs archives from real machines under {@code
 * src/main/resources/demo/}, discovered once at startup and kept in memory.
 *
 * <p>An archive that cannot be read or discovered is logged and listed in {@link #failures()}; the
 * others still load, so one bad fixture never takes the server down.
 */
@ApplicationScoped
public class DemoReports {

  /** Classpath folder holding the archives. */
  static final String RESOURCE_DIR = "demo/";

  /** What one load produced: reports by name (in configuration order) and failures by name. */
  record Loaded(Map<String, Report> reports, Map<String, String> failures) {}

  /** Opens a bundled archive by file name; null when it is not there. */
  @FunctionalInterface
  interface Opener {
    InputStream open(String archive) throws IOException;
  }

  @ConfigProperty(name = "fabricscope.demo.archives")
  List<String> archives;

  private volatile Loaded loaded;

  // Unpacking is file-creation bound: on an overlay /tmp the five archives (~31,000 entries) take
  // 20-30 s, on tmpfs well under a second. Loading on a thread of its own lets the HTTP server
  // listen at once; readiness stays DOWN until the reports are in (DemoReportsHealthCheck).
  void onStart(@Observes StartupEvent event) {
    Thread loader = new Thread(this::ensureLoaded, "demo-reports-loader");
    loader.setDaemon(true);
    loader.start();
  }

  /** Whether loading has finished (successfully or not for each archive); never blocks. */
  public boolean isLoaded() {
    return loaded != null;
  }

  /** Demo reports by name, in the configured order; waits for loading to finish. */
  public Map<String, Report> reports() {
    return ensureLoaded().reports();
  }

  /** One demo report by name. */
  public Optional<Report> find(String name) {
    return Optional.ofNullable(reports().get(name));
  }

  /** Summaries of every loaded demo report, in the configured order. */
  public List<DemoSummary> summaries() {
    return reports().entrySet().stream()
        .map(e -> DemoSummary.of(e.getKey(), e.getValue()))
        .toList();
  }

  /** Archives that failed to load: name to reason; waits for loading to finish. */
  public Map<String, String> failures() {
    return ensureLoaded().failures();
  }

  // Loads once: a request arriving while the startup thread loads waits on the lock instead of
  // unpacking everything a second time (and a bean used without the startup event still works).
  private Loaded ensureLoaded() {
    Loaded l = loaded;
    if (l == null) {
      synchronized (this) {
        l = loaded;
        if (l == null) {
          ClassLoader cl = DemoReports.class.getClassLoader();
          l = load(archives, name -> cl.getResourceAsStream(RESOURCE_DIR + name));
          loaded = l;
        }
      }
    }
    return l;
  }

  /** Loads every archive through {@code opener}; never throws for a single bad archive. */
  static Loaded load(List<String> archiveNames, Opener opener) {
    Map<String, Report> reports = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    SysfsDiscovery discovery = new SysfsDiscovery();
    for (String archive : archiveNames) {
      String name = nameOf(archive);
      long start = System.nanoTime();
      try {
        Report report = loadOne(archive, opener, discovery);
        reports.put(name, report);
        Log.infof(
            "demo report %s: %d PCI functions, %d diagnostics (%d ms)",
            name,
            report.pci().size(),
            report.diagnostics().size(),
            (System.nanoTime() - start) / 1_000_000);
      } catch (IOException | SysfsDiscovery.NotSysfsException e) {
        // A refused, unreadable or non-sysfs archive: the reason says it all.
        failures.put(name, reasonOf(e));
        Log.warnf("demo report %s not loaded: %s", name, reasonOf(e));
      } catch (RuntimeException e) {
        // A bug in discovery: keep the stack trace for whoever fixes it.
        failures.put(name, reasonOf(e));
        Log.warnf(e, "demo report %s not loaded", name);
      }
    }
    Log.infof("%d demo reports loaded, %d failed", reports.size(), failures.size());
    return new Loaded(Collections.unmodifiableMap(reports), Collections.unmodifiableMap(failures));
  }

  private static Report loadOne(String archive, Opener opener, SysfsDiscovery discovery)
      throws IOException {
    // ArchiveExtractor reads a file (it sniffs the compression from the first bytes), and a
    // resource inside the packaged jar is not one: copy it out first.
    Path temp = Files.createTempFile("fabricscope-demo-", "-" + archive.replace('/', '_'));
    try {
      try (InputStream in = opener.open(archive)) {
        if (in == null) {
          throw new IOException("no bundled archive " + RESOURCE_DIR + archive);
        }
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      }
      if (archive.endsWith(".xml")) {
        // A topology file (hwloc XML): imported, not discovered.
        try {
          return Importers.load(temp);
        } catch (ImportException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
      try (var unpacked = ArchiveExtractor.extract(temp)) {
        return discovery.discover(unpacked.sysfsRoot());
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String reasonOf(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The demo name: the archive's file name without its archive suffix. */
  static String nameOf(String archive) {
    String base = archive.substring(archive.lastIndexOf('/') + 1);
    for (String suffix : List.of(".tar.gz", ".tar.bz2", ".tgz", ".tar", ".xml")) {
      if (base.endsWith(suffix)) {
        return base.substring(0, base.length() - suffix.length());
      }
    }
    return base;
  }
}
