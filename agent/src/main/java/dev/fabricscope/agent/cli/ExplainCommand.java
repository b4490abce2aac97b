package dev.fabricscope.agent.cli;

import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.DeviceNames;
import dev.fabricscope.p2p.ExplainText;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.text.TerminalText;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code explain [--input PATH] A B}: the full reasoning for one pair. A and B are any name {@link
 * DeviceNames} knows: the labels {@code topo} prints (GPU0, NIC1), BDFs, RDMA devices (mlx5_0),
 * network interfaces, NVMe controllers and hwloc OS device names (nvml0, cuda0).
 */
public final class ExplainCommand implements Callable<Integer> {

  private final CommandSpec spec;
  private final PrintStream out;

  /** The command printing to {@code out}. */
  public ExplainCommand(PrintStream out) {
    this.out = out;
    this.spec =
        CliSpecs.command(
            this,
            "explain",
            "The full reasoning for one pair of devices.",
            "A and B: a BDF (0000:17:00.0, 17:00.0) or a name: the labels topo prints (GPU0, NIC1),"
                + " RDMA devices (mlx5_0), network interfaces (eth0), NVMe (nvme0) or hwloc OS"
                + " device names (nvml0, cuda0).");
    // counted in call, not by picocli's arity: the message names what is expected
    spec.addPositional(
        PositionalParamSpec.builder()
            .arity("0..*")
            .paramLabel("A B")
            .hideParamSyntax(true)
            .type(List.class)
            .auxiliaryTypes(String.class)
            .description("The two devices")
            .build());
    spec.addOption(CliSpecs.input());
    spec.addOption(CliSpecs.help());
  }

  /** The command's picocli spec ({@link CliSpecs}). */
  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() {
    List<String> given = spec.positionalParameters().get(0).getValue();
    List<String> devices = given == null ? List.of() : given;
    String input = CliSpecs.inputGiven(spec);
    if (devices.size() != 2) {
      throw new UsageException("explain needs two devices (BDF or name), e.g. 0000:17:00.0 mlx5_0");
    }
    Report report = Inputs.load(input);
    P2pAnalyzer an = MatrixBound.analyzer(report, "explain", MatrixBound.where(input));
    DeviceNames names = DeviceNames.of(an);
    Device a = resolve(names, devices.get(0), input);
    Device b = resolve(names, devices.get(1), input);
    out.print(TerminalText.escape(ExplainText.render(an.pair(a, b), a, b, report, names)));
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
      // where first: a long message is cut at its end (CliErrors)
      throw new UsageException(MatrixBound.where(input) + ": " + e.getMessage());
    }
  }
}
