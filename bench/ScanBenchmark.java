import dev.fabricscope.sysfs.PciIds;
import dev.fabricscope.sysfs.PeriodicScanner;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.sysfs.SysfsRoot;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Steady-state scan time of extracted sysfs trees, in process (the agent's periodic loop): a full
 * discovery, and the periodic rescan. Usage: java -cp fabricscope-agent.jar:. ScanBenchmark
 * SECONDS DIR... Prints one TSV line per tree: name, functions, full median/p90 ms, rescan
 * median/p90 ms, iterations.
 */
public final class ScanBenchmark {

  public static void main(String[] args) {
    double seconds = Double.parseDouble(args[0]);
    SysfsDiscovery discovery = new SysfsDiscovery(PciIds.shared()); // pci.ids parsed once, as in the agent
    System.out.println("tree\tfunctions\tfull_median_ms\tfull_p90_ms\trescan_median_ms\trescan_p90_ms\titerations");
    for (int i = 1; i < args.length; i++) {
      Path dir = Path.of(args[i]);
      SysfsRoot root = SysfsRoot.of(dir);
      int functions = discovery.discover(root).pci().size();
      double[] full = measure(seconds, () -> discovery.discover(root));
      PeriodicScanner scanner = new PeriodicScanner(root, discovery);
      scanner.scan();
      double[] rescan = measure(seconds, scanner::scan);
      System.out.printf(
          "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%d%n",
          dir.getFileName(), functions, pct(full, 50), pct(full, 90), pct(rescan, 50),
          pct(rescan, 90), full.length);
    }
  }

  /** Warms up for the same time it then measures; returns per-run times in ms, sorted. */
  static double[] measure(double seconds, Runnable r) {
    long warm = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < warm) {
      r.run();
    }
    double[] t = new double[1 << 16];
    int n = 0;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end && n < t.length) {
      long s = System.nanoTime();
      r.run();
      t[n++] = (System.nanoTime() - s) / 1e6;
    }
    double[] out = Arrays.copyOf(t, n);
    Arrays.sort(out);
    return out;
  }

  static double pct(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.round(p / 100.0 * (sorted.length - 1)))];
  }
}
