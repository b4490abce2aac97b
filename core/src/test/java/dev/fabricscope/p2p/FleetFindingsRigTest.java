package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciTreeParser;
import dev.fabricscope.oracle.LspciVerboseParser;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Downtrained links on a real kernel's capture, against lspci: a link is a device and its upstream
 * port (p2p-rules.md §5.2); it is downtrained when the device's LnkSta width is below both ends'
 * LnkCap. Root and downstream ports describe the link below them, so their own wide LnkCap (QEMU's
 * root ports claim x32) says nothing about a x1 device behind them.
 */
class FleetFindingsRigTest {

  @Test
  void downtrainedLinksAreWhatLspciShows() throws Exception {
    for (String capture : new String[] {"qemu-rig-iommu", "qemu-rig-plain"}) {
      Map<String, LspciTreeParser.Node> tree =
          LspciTreeParser.parse(Fixtures.read(Fixtures.sysfs(capture + ".lspci-tvnn.txt")));
      Map<String, LspciVerboseParser.Function> vvv =
          LspciVerboseParser.parse(Fixtures.read(Fixtures.sysfs(capture + "/lspci-vvv.txt")));
      Set<String> expected = new TreeSet<>();
      for (LspciVerboseParser.Function f : vvv.values()) {
        String type = f.expressType();
        if (type == null || type.contains("Root Port") || type.contains("Downstream")) {
          continue;
        }
        String parent = tree.get(f.bdf()).parent();
        LspciVerboseParser.Function up = parent == null ? null : vvv.get(parent);
        if (f.lnkSta() == null || f.lnkCap() == null || f.lnkSta().width() == null) {
          continue;
        }
        int cap = f.lnkCap().width();
        if (up != null
            && up.lnkCap() != null
            && up.lnkCap().width() != null
            && up.lnkCap().width() > 0) {
          cap = Math.min(cap, up.lnkCap().width());
        }
        if (f.lnkSta().width() < cap) {
          expected.add(f.bdf());
        }
      }
      Report r;
      try (var u = ArchiveExtractor.extract(Fixtures.sysfs(capture + ".tar.gz"))) {
        r = new SysfsDiscovery().discover(u.sysfsRoot());
      }
      Set<String> found = new TreeSet<>();
      for (Finding f : FleetFindings.forHost("rig", r)) {
        if (f.rule().equals(FleetFindings.DOWNTRAINED_LINK)) {
          found.addAll(f.devices());
        }
      }
      assertEquals(expected, found, capture);
    }
  }
}
