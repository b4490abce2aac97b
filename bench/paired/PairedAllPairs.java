import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Paired all-pairs timing of two builds of core in one JVM, for a machine that is not idle: each
 * benchmark jar ({@code mvn -B -q -f bench/jmh/pom.xml package}, copied aside per commit) gets its
 * own class loader, one operation of each ({@code new FastMatrix(new P2pAnalyzer(r)).allPairs()} on
 * {@code SyntheticHosts.nestedSwitches(1000)}, what {@code AllPairsBenchmark.synthetic1000AllPairs}
 * times) runs in turn, and the calling thread's CPU time is taken beside the wall time, so both
 * builds see the same load. Run: {@code java -Xmx2g bench/paired/PairedAllPairs.java before.jar
 * after.jar 15 40} (warm-up rounds, measured rounds).
 */
public class PairedAllPairs {
  record Op(Object report, Constructor<?> analyzer, Constructor<?> fast, Method all) {
    Object run() throws Exception {
      return all.invoke(fast.newInstance(analyzer.newInstance(report)));
    }
  }

  static Op load(String jar) throws Exception {
    ClassLoader cl =
        new URLClassLoader(
            new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    Class<?> hosts = cl.loadClass("dev.fabricscope.topology.SyntheticHosts");
    Object report =
        hosts
            .getMethod("nestedSwitches", String.class, int.class)
            .invoke(null, "synthetic-1000", 1000);
    Class<?> rep = cl.loadClass("dev.fabricscope.topology.Report");
    Class<?> an = cl.loadClass("dev.fabricscope.p2p.P2pAnalyzer");
    Class<?> fm = cl.loadClass("dev.fabricscope.p2p.FastMatrix");
    return new Op(report, an.getConstructor(rep), fm.getConstructor(an), fm.getMethod("allPairs"));
  }

  public static void main(String[] args) throws Exception {
    Op[] ops = {load(args[0]), load(args[1])};
    int warm = Integer.parseInt(args[2]);
    int reps = Integer.parseInt(args[3]);
    var mx = ManagementFactory.getThreadMXBean();
    double[][] cpu = new double[2][reps];
    double[][] wall = new double[2][reps];
    Object sink = null;
    for (int r = -warm; r < reps; r++) {
      for (int k = 0; k < 2; k++) {
        int w = (r & 1) == 0 ? k : 1 - k;
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        sink = ops[w].run();
        long t1 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        if (r >= 0) {
          cpu[w][r] = (c1 - c0) / 1e6;
          wall[w][r] = (t1 - t0) / 1e6;
        }
      }
    }
    for (int k = 0; k < 2; k++) {
      Arrays.sort(cpu[k]);
      Arrays.sort(wall[k]);
      System.out.printf(
          "%s: cpu ms min %.1f median %.1f | wall ms min %.1f median %.1f%n",
          args[k], cpu[k][0], cpu[k][reps / 2], wall[k][0], wall[k][reps / 2]);
    }
    System.out.print(sink.hashCode() != 0 ? "" : " ");
  }
}
