package dev.fabricscope.agent.cli;

import dev.fabricscope.agent.nvml.IsolatedNvmlReader;
import dev.fabricscope.agent.nvml.NvmlStep;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.exporter.HwlocXmlExporter;
import dev.fabricscope.exporter.NcclXmlExporter;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.report.ReportValidator;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code collect [--fsroot PATH] [--pretty] [--of json|hwloc-xml|nccl-xml]}: the report on stdout,
 * or exported with the same exporters as the server's {@code /export}, so an {@code NCCL_TOPO_FILE}
 * or an hwloc XML can be made on the host itself. The driver's answers (NVML) are added for this
 * host's tree ({@link NvmlStep}: {@code /}, or another path with {@code --nvml}), asked in a child
 * JVM with a deadline ({@link IsolatedNvmlReader}): a one-shot command never hangs on the driver.
 */
@Command(
    name = "collect",
    sortOptions = false,
    header = "Discover this host and print its report (JSON, hwloc XML or NCCL XML).",
    description = {
      "Reads sysfs (or PATH) and prints the report: JSON (schema version 1, the default), or"
          + " exported as hwloc XML (lstopo -i, hwloc-info) or NCCL topology XML (NCCL_TOPO_FILE)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  " + Cli.NAME + " collect --pretty",
      "  " + Cli.NAME + " collect --fsroot host.tar.gz",
      "  " + Cli.NAME + " collect --of nccl-xml > topo.xml; NCCL_TOPO_FILE=topo.xml ...",
      "  " + Cli.NAME + " collect --of hwloc-xml > host.xml; lstopo -i host.xml"
    })
public final class CollectCommand implements Callable<Integer> {

  /** The {@code --of} values, for usage and shell completion. */
  static final List<String> FORMATS = List.of("json", "hwloc-xml", "nccl-xml");

  @Option(
      names = "--fsroot",
      paramLabel = "PATH",
      description =
          "/ (default), a directory standing for /, or a gathered archive (.tar, .tar.gz,"
              + " .tar.bz2)")
  Path fsroot;

  @Option(
      names = "--of",
      paramLabel = "FORMAT",
      completionCandidates = Formats.class,
      description = "json (default), hwloc-xml (lstopo -i, hwloc) or nccl-xml (NCCL_TOPO_FILE)")
  String of;

  @Option(names = "--pretty", arity = "0", description = "Indent the JSON.")
  boolean pretty;

  @Option(
      names = "--nvml",
      arity = "0",
      description =
          "Ask NVML although PATH is not /: the tree is this host's (a container's host mount).")
  boolean nvml;

  @Option(
      names = "--no-nvml",
      arity = "0",
      description = "Do not ask NVML (the NVIDIA driver) even for /.")
  boolean noNvml;

  @Option(
      names = "--driver-timeout",
      paramLabel = "D",
      description = "How long NVML may take to answer (30s); asked in a child process")
  String driverTimeout;

  @Mixin HelpOption help;

  private final PrintStream out;

  /** The command printing to {@code out}. */
  public CollectCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    String format = of == null ? "json" : of;
    if (!FORMATS.contains(format)) {
      throw new UsageException(
          "--of must be json, hwloc-xml or nccl-xml, not '" + Endpoint.printable(format) + "'");
    }
    if (pretty && !format.equals("json")) {
      throw new UsageException("--pretty is for --of json (the XML is always indented)");
    }
    java.time.Duration deadline = NvmlCommand.driverTimeout(driverTimeout);
    try (Fsroot fs = Fsroot.open(fsroot == null ? null : fsroot.toString())) {
      Report report;
      try {
        report = new SysfsDiscovery().discover(fs.root());
        report = NvmlStep.of(ask(fs.live()), new IsolatedNvmlReader(deadline)).apply(report);
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new UsageException(e.getMessage());
      }
      // what the server would refuse is not written either (a tree naming CPU 65,535, say): the
      // checks the server and the importers make, schema and semantics
      try {
        ReportValidator.get().check(report);
      } catch (ReportValidator.InvalidReport e) {
        throw new UsageException(
            "the tree gives a report the server would refuse: " + e.getMessage());
      }
      String text =
          switch (format) {
            case "hwloc-xml" -> HwlocXmlExporter.write(report);
            case "nccl-xml" -> NcclXmlExporter.write(report);
            default -> pretty ? ReportJson.writePretty(report) : ReportJson.write(report);
          };
      out.print(text);
      if (!text.endsWith("\n")) {
        out.println();
      }
      out.flush();
      return 0;
    }
  }

  private boolean ask(boolean live) {
    try {
      return NvmlStep.ask(live, nvml, noNvml);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Completion candidates of {@code --of}. */
  static final class Formats implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return FORMATS.iterator();
    }
  }
}
