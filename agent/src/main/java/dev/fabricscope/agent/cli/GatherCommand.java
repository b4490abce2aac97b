package dev.fabricscope.agent.cli;

import dev.fabricscope.agent.gather.GatherArchive;
import dev.fabricscope.agent.gather.GatherRecorder;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gather --output FILE.tar.gz [--fsroot PATH]}: runs discovery while recording every read,
 * then archives exactly those files, links and folders. {@code collect --fsroot FILE.tar.gz} on the
 * result gives the same report.
 */
@Command(
    name = "gather",
    sortOptions = false,
    header = "Archive exactly the files discovery reads on this host.",
    description = {
      "Writes the files, links and folders discovery reads (a few hundred KB) into a .tar.gz;"
          + " 'collect --fsroot FILE.tar.gz' gives the same report on any machine."
    })
public final class GatherCommand implements Callable<Integer> {

  @Option(
      names = "--output",
      paramLabel = "FILE.tar.gz",
      description =
          "The archive to write (required; its folder must exist), or - for standard output"
              + " (the summary line then goes to stderr).")
  Path outputFile;

  @Option(
      names = "--fsroot",
      paramLabel = "PATH",
      description = "/ (default), a directory standing for /, or a gathered archive")
  Path fsroot;

  @Mixin HelpOption help;

  private final PrintStream out;
  private final PrintStream err;

  /**
   * The command printing to {@code out}, and its summary to {@code err} when out has the archive.
   */
  public GatherCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    String output = outputFile == null ? null : outputFile.toString();
    if (output == null) {
      throw new UsageException("gather needs --output FILE.tar.gz");
    }
    boolean toStdout = output.equals(Cli.STANDARD_STREAM);
    Path target = Path.of(output).toAbsolutePath();
    if (toStdout) {
      target = null;
    } else if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
      throw new UsageException("--output " + output + ": the folder does not exist");
    }
    if (target != null && Files.isDirectory(target)) {
      throw new UsageException("--output " + output + ": is a folder");
    }
    try (Fsroot fs = Fsroot.open(fsroot == null ? null : fsroot.toString())) {
      GatherRecorder recorder = new GatherRecorder();
      fs.root().setRecorder(recorder);
      Report report;
      try {
        report = new SysfsDiscovery().discover(fs.root());
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new UsageException(e.getMessage());
      } catch (GatherRecorder.LimitExceeded e) {
        // refused before anything is written: the server would refuse the archive anyway
        throw new UsageException("gather refused: " + e.getMessage());
      } finally {
        fs.root().setRecorder(null);
      }
      String top = topFolder(report.host().name());
      var entries = recorder.entries();
      try {
        if (toStdout) {
          GatherArchive.write(entries, top, out);
          // a PrintStream keeps its write errors (a closed pipe) to itself
          if (out.checkError()) {
            throw new IOException("standard output was closed");
          }
        } else {
          GatherArchive.write(entries, top, target);
        }
      } catch (IOException e) {
        throw new UsageException("--output " + output + ": cannot write: " + e.getMessage());
      }
      (toStdout ? err : out)
          .println(
              "gathered "
                  + entries.size()
                  + " paths ("
                  + report.pci().size()
                  + " PCI functions) into "
                  + (toStdout ? "standard output" : target));
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
