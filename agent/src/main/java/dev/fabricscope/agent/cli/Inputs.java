package dev.fabricscope.agent.cli;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads {@code --input}: this host by default; else a fsroot directory, a gathered archive, a
 * report JSON, an hwloc XML, an NCCL XML or lspci text, detected by {@link Importers}; from a file,
 * a pipe ({@code --input <(lspci -vvv)}) or, for {@code -}, standard input ({@code ssh host lspci
 * -vvv | fabricscope-agent topo --input -}).
 */
final class Inputs {

  private Inputs() {}

  static Report load(String input) {
    if (input == null) {
      try (Fsroot fs = Fsroot.open(null)) {
        return new SysfsDiscovery().discover(fs.root());
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new UsageException(e.getMessage());
      }
    }
    if (!mayUnpack(input)) {
      // an XML, JSON or lspci file: nothing is unpacked, so the unpack folder is neither made nor
      // swept (a folder another user holds must not stop a topo of a text file)
      return load(input, Fsroot.unpackBase());
    }
    // an archive among them is unpacked: as for --fsroot, no tree outlives the process
    Path base = Fsroot.unpackFolder();
    UnpackCleanup.removeLeftovers(base);
    try (UnpackCleanup cleanup = new UnpackCleanup(base)) {
      return cleanup.unpacking(() -> load(input, base));
    }
  }

  /**
   * Whether loading {@code input} may unpack an archive: standard input and pipes (read before
   * their format is known) and files that start like one; folders and other files never.
   */
  private static boolean mayUnpack(String input) {
    if (input.equals(Cli.STANDARD_STREAM)) {
      return true;
    }
    Path p = Path.of(input);
    if (!Files.exists(p) || Files.isDirectory(p)) {
      return false; // "no such file", or a fsroot folder read where it is
    }
    return !Files.isRegularFile(p) || ArchiveExtractor.looksLikeArchive(p);
  }

  private static Report load(String input, Path base) {
    if (input.equals(Cli.STANDARD_STREAM)) {
      try {
        return Importers.load(System.in, "standard input", base);
      } catch (ImportException e) {
        throw new UsageException(e.getMessage());
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new UsageException("--input -: " + e.getMessage());
      }
    }
    Path p = Path.of(input);
    if (!Files.exists(p)) {
      throw new UsageException("--input " + input + ": no such file or directory");
    }
    try {
      return Importers.load(p, base);
    } catch (ImportException e) {
      throw new UsageException(e.getMessage()); // names the file already
    } catch (SysfsDiscovery.NotSysfsException e) {
      throw new UsageException("--input " + input + ": " + e.getMessage());
    }
  }
}
