package dev.fabricscope.agent.cli;

import dev.fabricscope.agent.gather.GatherArchive;
import dev.fabricscope.agent.gather.GatherRecorder;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code gather --output FILE.tar.gz [--fsroot PATH]}: runs discovery while recording every read,
 * then archives exactly those files, links and folders. {@code collect --fsroot FILE.tar.gz} on the
 * result gives the same report.
 */
public final class GatherCommand {

  /** Runs the command; returns the exit code. */
  public int run(List<String> args, PrintStream out) {
    Options o = new Options(args, Set.of("--output", "--fsroot"), Set.of());
    String output = o.get("--output");
    if (output == null) {
      throw new UsageException("gather needs --output FILE.tar.gz");
    }
    Path target = Path.of(output).toAbsolutePath();
    if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
      throw new UsageException("--output " + output + ": the folder does not exist");
    }
    if (Files.isDirectory(target)) {
      throw new UsageException("--output " + output + ": is a folder");
    }
    try (Fsroot fs = Fsroot.open(o.get("--fsroot"))) {
      GatherRecorder recorder = new GatherRecorder();
      fs.root().setRecorder(recorder);
      Report report;
      try {
        report = new SysfsDiscovery().discover(fs.root());
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new UsageException(e.getMessage());
      } finally {
        fs.root().setRecorder(null);
      }
      String top = topFolder(report.host().name());
      var entries = recorder.entries();
      try {
        GatherArchive.write(entries, top, target);
      } catch (IOException e) {
        throw new UsageException("--output " + output + ": cannot write: " + e.getMessage());
      }
      out.println(
          "gathered "
              + entries.size()
              + " paths ("
              + report.pci().size()
              + " PCI functions) into "
              + target);
      return 0;
    }
  }

  /** A safe folder name: the host name's letters, digits, dots and dashes. */
  static String topFolder(String hostName) {
    if (hostName == null || hostName.isBlank()) {
      return "fabricscope-gather";
    }
    String s = hostName.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.startsWith(".") ? "_" + s : s;
  }
}
