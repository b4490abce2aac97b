package dev.fabricscope.agent;

import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.cli.BandwidthCommand;
import dev.fabricscope.agent.cli.CollectCommand;
import dev.fabricscope.agent.cli.ExplainCommand;
import dev.fabricscope.agent.cli.GatherCommand;
import dev.fabricscope.agent.cli.NvmlCommand;
import dev.fabricscope.agent.cli.TopoCommand;
import dev.fabricscope.agent.cli.UsageException;
import dev.fabricscope.agent.run.RunCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar fabricscope-agent.jar <command>}: the host agent's command line. Bad input gives
 * one line on stderr and exit code 2, never a stack trace.
 */
public final class Main {

  static final String USAGE =
      """
      usage: fabricscope-agent <command> [options]
        collect [--fsroot PATH] [--pretty] [--nvml|--no-nvml]
                                             discover this host (or PATH: a directory or a
                                             gathered .tar/.tar.gz/.tar.bz2) and print the
                                             report; NVML's answers for / (or with --nvml)
        gather --output FILE.tar.gz [--fsroot PATH]
                                             archive exactly the files discovery reads
        topo [--input PATH] [--format text|json]
                                             P2P verdicts for every device pair: nvidia-smi
                                             style matrix + kernel verdicts, or JSON. PATH: a
                                             fsroot, gathered archive, report JSON, hwloc XML,
                                             NCCL XML or lspci text (default: this host)
        explain [--input PATH] A B           the full reasoning for one pair (BDF or name)
        nvml                                 what the NVIDIA driver answers (NVML), as JSON
        bandwidth --kind host-memcpy|gpu-h2d|gpu-d2h|gpu-bidir|gpu-d2d|gpu-p2p
            [--source E] [--target E] [--size 256M] [--threads N] [--repeat N]
            [--pageable] [--timeout S] [--format text|json]
                                             one bandwidth test on this host, measured vs
                                             expected (E: numa:N, gpu:N or a BDF; GB/s are
                                             10^9 bytes per second)
        bandwidth --capabilities [--format text|json]
                                             the bandwidth helpers found on this host
        run --server URL --token-file F [--interval 5m] [--heartbeat 1h] [--spool DIR]
            [--fsroot PATH] [--label k=v ...] [--gzip] [--nvml|--no-nvml]
                                             collect every interval, send changed reports
                                             to the server (spooled; see README)
        help                                 this text
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command; returns the exit code (0 ok, 1 internal failure, 2 bad input). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(USAGE);
      return 2;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      return switch (args[0]) {
        case "collect" -> new CollectCommand().run(rest, out);
        case "gather" -> new GatherCommand().run(rest, out);
        case "topo" -> new TopoCommand().run(rest, out);
        case "explain" -> new ExplainCommand().run(rest, out);
        case "nvml" -> new NvmlCommand().run(rest, out);
        case "bandwidth" -> new BandwidthCommand().run(rest, out, err);
        case "run" -> {
          BandwidthHelpers helpers = BandwidthHelpers.standard();
          yield new RunCommand(helpers.all(), helpers::forKind).run(rest, err);
        }
        case "help", "--help", "-h" -> {
          out.print(USAGE);
          yield 0;
        }
        default -> throw new UsageException("unknown command '" + args[0] + "' (try: help)");
      };
    } catch (UsageException e) {
      err.println("fabricscope-agent: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("fabricscope-agent: internal error: " + e);
      return 1;
    }
  }
}
