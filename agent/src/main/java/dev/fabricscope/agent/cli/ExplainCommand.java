package dev.fabricscope.agent.cli;

import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.ExplainText;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code explain [--input PATH] A B}: the full reasoning for one pair (BDFs or device names). */
public final class ExplainCommand {

  /** Runs the command; returns the exit code. */
  public int run(List<String> args, PrintStream out) {
    List<String> options = new ArrayList<>();
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--input") && i + 1 < args.size()) {
        options.add(a);
        options.add(args.get(++i));
      } else if (a.startsWith("--")) {
        options.add(a);
      } else {
        devices.add(a);
      }
    }
    Options o = new Options(options, Set.of("--input"), Set.of());
    if (devices.size() != 2) {
      throw new UsageException("explain needs two devices (BDF or name), e.g. 0000:17:00.0 mlx5_0");
    }
    Report report = Inputs.load(o.get("--input"));
    P2pAnalyzer an = new P2pAnalyzer(report);
    Device a = an.find(devices.get(0));
    Device b = an.find(devices.get(1));
    for (int i = 0; i < 2; i++) {
      if ((i == 0 ? a : b) == null) {
        throw new UsageException(
            "no device '"
                + devices.get(i)
                + "' in "
                + (o.get("--input") == null ? "this host" : o.get("--input")));
      }
    }
    out.print(ExplainText.render(an.pair(a, b), a, b, report));
    out.flush();
    return 0;
  }
}
