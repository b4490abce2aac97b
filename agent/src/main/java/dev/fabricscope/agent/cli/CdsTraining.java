package dev.fabricscope.agent.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The AppCDS training runs of the agent build ({@code agent/pom.xml}, execution {@code
 * appcds-archive}): each runs the commands of one set in one JVM started with {@code
 * -XX:DumpLoadedClassList}, and the build dumps a static archive of the classes listed ({@code
 * -Xshare:dump}): JDK classes and ours in one file. Output is discarded; a command that fails is
 * named on stderr and the exit code is 1, which the build reports as a warning.
 *
 * <p>The JVM relocates every pointer of an archive at every start (JDK 17's default {@code
 * ArchiveRelocationMode=1}, for address-space randomisation), writing to nearly every page of it;
 * in a virtual machine each of those page faults costs 15-20 us, so a start grows with the size of
 * what is mapped (issue 11, cold start). A static archive of a set holds only what it loads, in
 * place of the JDK's default archive plus a dynamic one on top (which needs both): for {@code topo}
 * 19 MB in place of 13.5 + 12.7 MB. Three sets:
 *
 * <ul>
 *   <li>{@code inspect} ({@code fabricscope-agent-inspect.jsa}): {@code topo}, {@code explain} and
 *       {@code plan} with text output on hwloc XML and on a sysfs tree (FSROOT, when given), help,
 *       the version and the error path;
 *   <li>{@code inspect-json} ({@code fabricscope-agent-inspect-json.jsa}): the same and their JSON
 *       output, which takes Jackson's data binding (5 MB more of archive, so not in the one above);
 *   <li>{@code all} ({@code fabricscope-agent.jsa}): every command: also {@code collect} and both
 *       exporters on a gathered archive, the bandwidth helpers, the job client and the job
 *       rehearsal of {@code run}.
 * </ul>
 *
 * <p>{@code java -XX:DumpLoadedClassList=SET.classlist -cp fabricscope-agent.jar
 * dev.fabricscope.agent.cli.CdsTraining DEMO_DIR SET [FSROOT]}, then {@code java -Xshare:dump
 * -XX:SharedClassListFile=SET.classlist -XX:SharedArchiveFile=A.jsa -cp fabricscope-agent.jar},
 * where DEMO_DIR holds {@code nvidiaDGX2.xml} and {@code qemu-rig-iommu.tar.gz} (the server's demo
 * fixtures, {@code src/main/resources/demo}) and FSROOT is that archive unpacked (the build does it
 * with tar): {@code topo} on this host reads a tree, not an archive.
 */
public final class CdsTraining {

  /** The training sets, each an archive. */
  static final List<String> SETS = List.of("all", "inspect", "inspect-json");

  private CdsTraining() {}

  public static void main(String[] args) {
    String set = args.length >= 2 ? args[1] : "all";
    if (args.length < 1
        || args.length > 3
        || !Files.isDirectory(Path.of(args[0]))
        || !SETS.contains(set)) {
      System.err.println("usage: CdsTraining DEMO_DIR [" + String.join("|", SETS) + "] [FSROOT]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    String xml = dir.resolve("nvidiaDGX2.xml").toString();
    String tree = dir.resolve("qemu-rig-iommu.tar.gz").toString();
    boolean all = set.equals("all");
    List<String[]> runs = new ArrayList<>();
    runs.add(new String[] {"topo", "--input", xml});
    if (args.length == 3 && Files.isDirectory(Path.of(args[2], "sys"))) {
      runs.add(new String[] {"topo", "--input", args[2]});
    } else {
      System.err.println("training: no sysfs tree given, topo on a tree not trained");
    }
    // a report as JSON (what `collect --of json` and `gather` give): read by ReportReader
    Path report = reportJson(xml);
    if (report != null) {
      runs.add(new String[] {"topo", "--input", report.toString()});
    }
    runs.add(new String[] {"explain", "--input", xml, "0000:34:00.0", "0000:36:00.0"});
    runs.add(new String[] {"explain", "--input", xml, "GPU0", "nvml1"});
    runs.add(new String[] {"plan", "--input", xml, "--pattern", "gpu-to-nic"});
    runs.add(new String[] {"--help"});
    runs.add(new String[] {"--version"});
    for (String command : List.of("topo", "explain", "plan")) {
      runs.add(new String[] {command, "--help"});
    }
    if (!set.equals("inspect")) {
      runs.add(new String[] {"topo", "--format", "json", "--input", xml});
      runs.add(
          new String[] {"plan", "--format", "json", "--input", xml, "--pattern", "gpu-to-nic"});
    }
    if (all) {
      runs.add(new String[] {"collect", "--fsroot", tree});
      runs.add(new String[] {"collect", "--of", "hwloc-xml", "--fsroot", tree});
      runs.add(new String[] {"collect", "--of", "nccl-xml", "--fsroot", tree});
      // the agent service's job path (issue 10): the first test of a fresh `run` otherwise pays
      // loading the helpers, the process runner and the measurement classes
      runs.add(new String[] {"bandwidth", "--capabilities", "--format", "json"});
      runs.add(
          new String[] {
            "bandwidth",
            "--kind",
            "host-memcpy",
            "--source",
            "numa:0",
            "--target",
            "numa:0",
            "--size",
            "1M",
            "--repeat",
            "1",
            "--format",
            "json"
          });
    }
    int failed = 0;
    PrintStream sink =
        new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    for (String[] run : runs) {
      int code = dev.fabricscope.agent.Main.run(run, sink, sink);
      if (code != 0) {
        System.err.println("training run failed (exit " + code + "): " + String.join(" ", run));
        failed++;
      }
    }
    // the error path too (one line, exit 2): loaded on every typo
    if (Cli.run(new String[] {"collect", "--frob"}, sink, sink) != Cli.BAD_INPUT) {
      failed++;
    }
    if (all) {
      jobClientClasses();
      // and what a fresh agent's job loop rehearses before its first poll (issue 10)
      var helpers = dev.fabricscope.agent.bandwidth.BandwidthHelpers.standard();
      dev.fabricscope.agent.run.JobRehearsal.run(
          helpers.all(), helpers::forKind, new dev.fabricscope.agent.run.AgentLog(System.err));
    }
    if (report != null) {
      try {
        Files.deleteIfExists(report);
      } catch (java.io.IOException e) {
        System.err.println("training: " + report + " left behind: " + e);
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }

  /** The DGX-2 host as report JSON in a temporary file, or null (then that run is left out). */
  private static Path reportJson(String xml) {
    try {
      Path f = Files.createTempFile("fabricscope-cds-training", ".json");
      Files.write(
          f,
          dev.fabricscope.report.ReportWriter.bytes(
              dev.fabricscope.importer.Importers.load(Path.of(xml))));
      return f;
    } catch (java.io.IOException | dev.fabricscope.importer.ImportException e) {
      System.err.println("training: no report JSON, topo on JSON not trained: " + e);
      return null;
    }
  }

  /**
   * The job client's HTTP and JSON classes, loaded by one poll of a closed local port (refused at
   * once): a `run` agent polls for jobs from its start, so these are on the path of its first test.
   */
  private static void jobClientClasses() {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      int port = probe.getLocalPort();
      probe.close();
      new dev.fabricscope.agent.run.JobClient(
              java.net.URI.create("http://127.0.0.1:" + port),
              "cds-training",
              () -> "token",
              java.time.Duration.ofSeconds(2))
          .poll(0);
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("training: job client classes not loaded: " + e);
    }
  }
}
