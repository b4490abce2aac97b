package dev.fabricscope.agent.cli;

import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.DeviceNames;
import dev.fabricscope.p2p.ExplainText;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code explain [--input PATH] A B}: the full reasoning for one pair. A and B are any name {@link
 * DeviceNames} knows: the labels {@code topo} prints (GPU0, NIC1), BDFs, RDMA devices (mlx5_0),
 * network interfaces, NVMe controllers and hwloc OS device names (nvml0, cuda0).
 */
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
    DeviceNames names = DeviceNames.of(an);
    Device a = resolve(names, devices.get(0), o.get("--input"));
    Device b = resolve(names, devices.get(1), o.get("--input"));
    out.print(ExplainText.render(an.pair(a, b), a, b, report, names));
    out.flush();
    return 0;
  }

  /**
   * The device a name names (the names topo prints, BDFs, RDMA/net/NVMe/hwloc names), or exit 2.
   */
  private static Device resolve(DeviceNames names, String name, String input) {
    try {
      return names.resolve(name);
    } catch (DeviceNames.UnknownNameException e) {
      throw new UsageException(
          e.getMessage() + " (in " + (input == null ? "this host" : input) + ")");
    }
  }
}
