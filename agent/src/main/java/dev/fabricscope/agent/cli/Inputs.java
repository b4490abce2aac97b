package dev.fabricscope.agent.cli;

import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;

/** Loads {@code --input}: this host by default, else any format the importers know. */
final class Inputs {

  private Inputs() {}

  static Report load(String input) {
    try (Fsroot fs = Fsroot.open(input)) {
      return new SysfsDiscovery().discover(fs.root());
    } catch (SysfsDiscovery.NotSysfsException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
