package dev.fabricscope.agent.cli;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** {@code collect [--fsroot PATH] [--pretty]}: the report on stdout. */
public final class CollectCommand {

  /** Runs the command; returns the exit code. */
  public int run(List<String> args, PrintStream out) {
    Options o = new Options(args, Set.of("--fsroot"), Set.of("--pretty"));
    try (Fsroot fs = Fsroot.open(o.get("--fsroot"))) {
      Report report;
      try {
        report = new SysfsDiscovery().discover(fs.root());
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new UsageException(e.getMessage());
      }
      out.println(o.flag("--pretty") ? ReportJson.writePretty(report) : ReportJson.write(report));
      out.flush();
      return 0;
    }
  }
}
