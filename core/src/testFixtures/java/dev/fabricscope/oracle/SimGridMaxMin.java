package dev.fabricscope.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SimGrid's max-min solver (Debian's python3-simgrid, which CI installs) as an oracle for max-min
 * fair rates: {@code simgrid/maxmin.py} (this folder's resources) builds one platform of all
 * instances' links and reads each flow's rate after one simulated second. A missing SimGrid fails
 * the test: a skipped oracle proves nothing.
 */
public final class SimGridMaxMin {

  /** Debian's own interpreter: python3-simgrid installs its module for it, not for others. */
  public static final Path PYTHON = Path.of("/usr/bin/python3");

  /**
   * One max-min instance, in the planner's units.
   *
   * @param capacity GB/s per link, positive and finite
   * @param routes per flow, the links it crosses (at least one, each at most once)
   */
  public record Instance(double[] capacity, int[][] routes) {}

  /**
   * What SimGrid answered.
   *
   * @param version SimGrid's version, e.g. {@code 3.32.0}
   * @param rates per instance, GB/s per flow
   * @param buildSeconds wall time to build the platform (Python start and import not counted)
   * @param solveSeconds wall time from the platform built to the rates read: the communications
   *     started and one simulated second, that is SimGrid's sharing solved for them
   */
  public record Result(
      String version, List<double[]> rates, double buildSeconds, double solveSeconds) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private SimGridMaxMin() {}

  /** The script, copied out of the class path into {@code workDir}. */
  public static Path script(Path workDir) throws IOException {
    Path script = workDir.resolve("simgrid-maxmin.py");
    try (InputStream in = SimGridMaxMin.class.getResourceAsStream("/simgrid/maxmin.py")) {
      if (in == null) {
        fail("simgrid/maxmin.py is not on the class path");
      }
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return script;
  }

  /** The instances as the script reads them. */
  public static String json(List<Instance> instances) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode all = root.putArray("instances");
    for (Instance i : instances) {
      ObjectNode o = all.addObject();
      ArrayNode cap = o.putArray("capacity");
      for (double c : i.capacity()) {
        cap.add(c);
      }
      ArrayNode routes = o.putArray("routes");
      for (int[] route : i.routes()) {
        ArrayNode r = routes.addArray();
        for (int link : route) {
          r.add(link);
        }
      }
    }
    return root.toString();
  }

  /** Solves every instance in one SimGrid run; fails the test when SimGrid cannot. */
  public static Result solve(List<Instance> instances, Path workDir)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      fail(PYTHON + " not found: install python3 and python3-simgrid (CI does)");
    }
    Path in = workDir.resolve("simgrid-maxmin-in.json");
    Path out = workDir.resolve("simgrid-maxmin-out.json");
    Path err = workDir.resolve("simgrid-maxmin.err");
    Files.writeString(in, json(instances), StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(List.of(PYTHON.toString(), script(workDir).toString(), in.toString()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("SimGrid did not finish on " + instances.size() + " instances");
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      fail(
          "SimGrid exit "
              + p.exitValue()
              + (stderr.contains("No module named 'simgrid'")
                  ? ": install python3-simgrid (CI does)"
                  : "")
              + ": "
              + stderr);
    }
    JsonNode r = JSON.readTree(out.toFile());
    List<double[]> rates = new ArrayList<>();
    for (JsonNode inst : r.get("rates")) {
      double[] v = new double[inst.size()];
      for (int f = 0; f < v.length; f++) {
        v[f] = inst.get(f).asDouble();
      }
      rates.add(v);
    }
    return new Result(
        r.get("simgrid").asText(),
        rates,
        r.get("buildSeconds").asDouble(),
        r.get("solveSeconds").asDouble());
  }
}
