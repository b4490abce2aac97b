import dev.fabricscope.planner.MaxMin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Max-min filling, ours ({@code MaxMin.solve}, what every plan calls) beside SimGrid's solver
 * ({@code core/src/testFixtures/resources/simgrid/maxmin.py}, python3-simgrid) on the same
 * instances, in one run. For each instance: our solve, first call in this JVM and the median of
 * warm calls; SimGrid's own solve (the communications started and one simulated second, read by
 * the script's clock) and its whole process (Python start, platform built, solve); and the largest
 * relative difference of the two answers. Run from the repository root after {@code mvn -B -q -o
 * -DskipTests package}: {@code java -cp target/classes bench/simgrid/MaxMinVsSimGrid.java [ROUNDS]}.
 */
public class MaxMinVsSimGrid {

  record Instance(String what, double[] capacity, int[][] routes) {}

  /** A PCIe-like fabric: GPUs behind switches behind root ports, flows over 4 to 8 links each. */
  static Instance tree(String what, int flows, int links, int seed) {
    Random r = new Random(seed);
    double[] usable = {13.59, 27.18, 6.79, 54.36, 60.09};
    double[] cap = new double[links];
    for (int k = 0; k < links; k++) {
      cap[k] = usable[r.nextInt(usable.length)];
    }
    int[][] routes = new int[flows][];
    for (int f = 0; f < flows; f++) {
      routes[f] = r.ints(0, links).distinct().limit(4 + r.nextInt(5)).toArray();
    }
    return new Instance(what, cap, routes);
  }

  /** MaxMinScalingTest's worst case: a link of its own per flow, 255 shared ones that never fill. */
  static Instance rounds(int flows, int shared) {
    Random rnd = new Random(4096);
    double[] cap = new double[flows + shared];
    int[][] routes = new int[flows][];
    for (int f = 0; f < flows; f++) {
      cap[f] = 1 + f * 0.37;
      int[] route = new int[256];
      route[0] = f;
      int[] through = rnd.ints(0, shared).distinct().limit(255).toArray();
      for (int k = 0; k < through.length; k++) {
        route[k + 1] = flows + through[k];
      }
      routes[f] = route;
    }
    for (int k = flows; k < cap.length; k++) {
      cap[k] = 1e3;
    }
    return new Instance(
        flows + " flows, each its own link + 255 of " + shared + " shared (" + flows + " rounds)",
        cap,
        routes);
  }

  static String json(Instance i) {
    StringBuilder b = new StringBuilder("{\"instances\":[{\"capacity\":[");
    for (int k = 0; k < i.capacity().length; k++) {
      b.append(k == 0 ? "" : ",").append(i.capacity()[k]);
    }
    b.append("],\"routes\":[");
    for (int f = 0; f < i.routes().length; f++) {
      b.append(f == 0 ? "[" : ",[");
      for (int k = 0; k < i.routes()[f].length; k++) {
        b.append(k == 0 ? "" : ",").append(i.routes()[f][k]);
      }
      b.append(']');
    }
    return b.append("]}]}").toString();
  }

  record Peer(double[] rates, double solveSeconds, double processSeconds) {}

  static Peer simgrid(Path script, Path input) throws Exception {
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder("/usr/bin/python3", script.toString(), input.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("SimGrid failed (python3-simgrid installed?)");
    }
    double process = (System.nanoTime() - t0) / 1e9;
    Matcher m = Pattern.compile("\"rates\": \\[\\[([^\\]]*)\\]\\]").matcher(out);
    Matcher s = Pattern.compile("\"solveSeconds\": ([0-9.eE+-]+)").matcher(out);
    if (!m.find() || !s.find()) {
      throw new IllegalStateException("unexpected SimGrid output: " + out);
    }
    double[] rates =
        Arrays.stream(m.group(1).split(",")).mapToDouble(x -> Double.parseDouble(x.trim())).toArray();
    return new Peer(rates, Double.parseDouble(s.group(1)), process);
  }

  static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path script = Path.of("core/src/testFixtures/resources/simgrid/maxmin.py");
    Path work = Files.createTempDirectory("maxmin-vs-simgrid-");
    List<Instance> instances = new ArrayList<>();
    instances.add(tree("64 flows on 40 links (one 8-GPU host's plan)", 64, 40, 1));
    instances.add(tree("1,024 flows on 600 links", 1024, 600, 2));
    instances.add(tree("4,096 flows on 6,000 links (the most a plan has)", 4096, 6000, 3));
    instances.add(rounds(4096, 4096));
    System.out.println(
        "| instance | ours, first call | ours, warm (median) | SimGrid solve (median) | SimGrid"
            + " process (median) | largest relative difference |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (Instance i : instances) {
      long t0 = System.nanoTime();
      double[] ours = MaxMin.solve(i.capacity(), i.routes()).rates();
      double first = (System.nanoTime() - t0) / 1e6;
      for (int w = 0; w < 20; w++) {
        MaxMin.solve(i.capacity(), i.routes());
      }
      double[] warm = new double[31];
      for (int k = 0; k < warm.length; k++) {
        long s = System.nanoTime();
        MaxMin.solve(i.capacity(), i.routes());
        warm[k] = (System.nanoTime() - s) / 1e6;
      }
      Path in = work.resolve("in.json");
      Files.writeString(in, json(i));
      double[] solve = new double[rounds];
      double[] process = new double[rounds];
      double worst = 0;
      for (int k = 0; k < rounds; k++) {
        Peer p = simgrid(script, in);
        solve[k] = p.solveSeconds() * 1e3;
        process[k] = p.processSeconds() * 1e3;
        for (int f = 0; f < ours.length; f++) {
          worst = Math.max(worst, Math.abs(ours[f] - p.rates()[f]) / Math.abs(p.rates()[f]));
        }
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f ms | %.3f ms | %.0f ms | %.0f ms | %.1e |%n",
          i.what(),
          first,
          median(warm),
          median(solve),
          median(process),
          worst);
    }
  }
}
