package dev.fabricscope.agent.cli;

import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.P2pMatrix;
import dev.fabricscope.p2p.TopoText;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code topo [--input PATH] [--format text|json]}: P2P verdicts for every pair of GPUs, NICs/HCAs,
 * NVMe and accelerators, as an nvidia-smi-style matrix plus kernel verdicts, or as JSON.
 */
public final class TopoCommand {

  /** Runs the command; returns the exit code. */
  public int run(List<String> args, PrintStream out) {
    Options o = new Options(args, Set.of("--input", "--format"), Set.of());
    String format = o.get("--format") == null ? "text" : o.get("--format");
    if (!format.equals("text") && !format.equals("json")) {
      throw new UsageException("--format must be text or json, not '" + format + "'");
    }
    Report report = Inputs.load(o.get("--input"));
    P2pMatrix m = new P2pAnalyzer(report).matrix();
    if (format.equals("json")) {
      try {
        out.println(ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    } else {
      out.print(TopoText.render(m, report));
    }
    out.flush();
    return 0;
  }
}
