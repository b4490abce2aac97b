package dev.fabricscope.agent.cli;

import dev.fabricscope.agent.nvml.NvmlReader;
import dev.fabricscope.agent.nvml.NvmlStep;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code collect [--fsroot PATH] [--pretty] [--nvml|--no-nvml]}: the report on stdout, with the
 * driver's answers (NVML) for this host's tree ({@link NvmlStep}).
 */
public final class CollectCommand {

  /** Runs the command; returns the exit code. */
  public int run(List<String> args, PrintStream out) {
    Options o = new Options(args, Set.of("--fsroot"), Set.of("--pretty", "--nvml", "--no-nvml"));
    boolean nvmlOn = o.flag("--nvml");
    boolean nvmlOff = o.flag("--no-nvml");
    if (nvmlOn && nvmlOff) {
      throw new UsageException("--nvml and --no-nvml exclude each other");
    }
    try (Fsroot fs = Fsroot.open(o.get("--fsroot"))) {
      Report report;
      try {
        report =
            NvmlStep.of(NvmlStep.ask(fs.live(), nvmlOn, nvmlOff), new NvmlReader())
                .apply(new SysfsDiscovery().discover(fs.root()));
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new UsageException(e.getMessage());
      }
      out.println(o.flag("--pretty") ? ReportJson.writePretty(report) : ReportJson.write(report));
      out.flush();
      return 0;
    }
  }
}
