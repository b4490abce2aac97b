package dev.fabricscope.demo;

import dev.fabricscope.api.ImportFolder;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.sysfs.UnpackTemps;
import dev.fabricscope.topology.Report;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

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

  @Inject FabricscopeConfig config;

  // from the configuration at start; the defaults serve DemoReports made without CDI (tests)
  List<String> archives = List.of();
  private Optional<Path> tmpdir = Optional.empty();

  @PostConstruct
  void init() {
    archives = config.demo().archives();
    tmpdir = config.tmpdir();
  }

  /** How long shutdown waits for a loader to stop and clean up after itself. */
  static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private volatile Loaded loaded;
  // Held by whichever thread loads (the startup loader, or a request that came first).
  private final ReentrantLock loading = new ReentrantLock();
  private final TempPaths temps = new TempPaths();
  private volatile boolean stopping;
  private volatile Thread loaderThread;

  // Unpacking is file-creation bound: on an overlay /tmp the five archives (~31,000 entries) take
  // 20-30 s, on tmpfs well under a second. Loading on a thread of its own lets the HTTP server
  // listen at once; readiness stays DOWN until the reports are in (DemoReportsHealthCheck).
  void onStart(@Observes StartupEvent event) {
    Thread loader = new Thread(this::ensureLoaded, "demo-reports-loader");
    loader.setDaemon(true);
    loader.start();
  }

  // SIGTERM or a normal stop: the loader finishes no more archives. It is interrupted, which
  // aborts an extraction reading through an interruptible channel (the extractor then removes its
  // folder); otherwise the current archive finishes and try-with-resources removes it. The JVM
  // halts daemon threads once the shutdown hooks return, so wait for the loader's finally blocks,
  // then remove whatever it still holds.
  void onStop(@Observes ShutdownEvent event) {
    stop(STOP_WAIT);
  }

  /** Stops loading, waits up to {@code wait} for the loader, removes its temporary files. */
  void stop(Duration wait) {
    stopping = true;
    Thread t = loaderThread;
    if (t != null) {
      t.interrupt();
    }
    try {
      if (loading.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        loading.unlock();
      } else {
        Log.warnf("demo loading did not stop within %s", wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = temps.removeAll();
    if (left > 0) {
      Log.infof("removed %d temporary demo paths on shutdown", left);
    }
  }

  /** Whether the server is shutting down (no more demo work should start). */
  public boolean isStopping() {
    return stopping;
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
    if (l != null) {
      return l;
    }
    loading.lock();
    try {
      l = loaded;
      if (l == null) {
        ClassLoader cl = DemoReports.class.getClassLoader();
        loaderThread = Thread.currentThread();
        try {
          l = load(archives, name -> cl.getResourceAsStream(RESOURCE_DIR + name), this);
        } finally {
          loaderThread = null;
          if (stopping) {
            Thread.interrupted(); // ours, from stop(): not for whatever runs next on this thread
          }
        }
        loaded = l;
      }
      return l;
    } finally {
      loading.unlock();
    }
  }

  /** Loads every archive through {@code opener}; never throws for a single bad archive. */
  static Loaded load(List<String> archiveNames, Opener opener) {
    return load(archiveNames, opener, new DemoReports());
  }

  /** Loads every archive, stopping early when {@code owner} stops; never throws for one. */
  static Loaded load(List<String> archiveNames, Opener opener, DemoReports owner) {
    Map<String, Report> reports = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    SysfsDiscovery discovery = new SysfsDiscovery();
    for (String archive : archiveNames) {
      String name = nameOf(archive);
      if (owner.stopping) {
        failures.put(name, "not loaded: the server is shutting down");
        continue;
      }
      long start = System.nanoTime();
      try {
        Report report = loadOne(archive, opener, discovery, owner.temps, owner.tmpdir);
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

  private static Report loadOne(
      String archive,
      Opener opener,
      SysfsDiscovery discovery,
      TempPaths temps,
      Optional<Path> tmpdir)
      throws IOException {
    // ArchiveExtractor reads a file (it sniffs the compression from the first bytes), and a
    // resource inside the packaged jar is not one: copy it out first.
    Path temp =
        temps.hold(
            Files.createTempFile(
                UnpackTemps.ownPrefix(UnpackTemps.DEMO_PREFIX), "-" + archive.replace('/', '_')));
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
      try (var unpacked =
          ArchiveExtractor.extract(
              temp, ArchiveExtractor.Limits.DEFAULT, ImportFolder.of(tmpdir))) {
        temps.hold(unpacked.tempDir());
        try {
          return discovery.discover(unpacked.sysfsRoot());
        } finally {
          temps.remove(unpacked.tempDir());
        }
      }
    } finally {
      temps.remove(temp);
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
