package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciTreeParser;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Interfaces whose {@code device} link was not gathered (jaypipes/ghw snapshot
 * ghw-linux-amd64-61797caf…, an AMD Ryzen desktop: {@code /sys/class/net/IF} holds only {@code
 * addr_assign_type}) are attached, as hwloc attaches them, to the PCI function their class link
 * names. Oracles: the kernel's own link text in the archive (read here with java.nio, not through
 * fabricscope) and pciutils' {@code lspci -tvnn} of the same tree, which names those functions as
 * Ethernet controllers.
 */
class NetWithoutDeviceLinkTest {

  private static final Pattern BDF_BEFORE_NET =
      Pattern.compile("/([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7])/net/[^/]+$");

  @Test
  void ghwRyzenNicsGetTheFunctionTheirPathNames() throws Exception {
    Path archive = Fixtures.sysfs("ghw-linux-amd64-61797caf7c0b6bca1725ad7975ed4773.tar.gz");
    Map<String, String> expected = new TreeMap<>();
    Report report;
    try (var u = ArchiveExtractor.extract(archive)) {
      Path net = u.root().resolve("sys/class/net");
      try (Stream<Path> s = Files.list(net)) {
        for (Path p : s.toList()) {
          // the shape this test is about: no device link beside the interface
          assertFalse(Files.exists(p.resolve("device"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
          Matcher m = BDF_BEFORE_NET.matcher(Files.readSymbolicLink(p).toString());
          assertTrue(m.find(), p.toString());
          expected.put(p.getFileName().toString(), m.group(1));
        }
      }
      report = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    assertEquals(4, expected.size(), "the snapshot has 4 NICs");
    Map<String, String> got = new TreeMap<>();
    for (NetInterface n : report.net()) {
      got.put(n.name(), n.pciFunction());
    }
    assertEquals(expected, got);

    Map<String, LspciTreeParser.Node> lspci =
        LspciTreeParser.parse(Fixtures.read(Fixtures.beside(archive, ".lspci-tvnn.txt")));
    String text = Fixtures.read(Fixtures.beside(archive, ".lspci-tvnn.txt"));
    for (String bdf : expected.values()) {
      LspciTreeParser.Node n = lspci.get(bdf);
      assertTrue(n != null && !n.bridge(), bdf + " is a function in lspci's tree");
      PciFunction f =
          report.pci().stream().filter(x -> x.bdf().equals(bdf)).findFirst().orElseThrow();
      assertEquals(n.vendorDevice(), f.vendorId().substring(2) + ":" + f.deviceId().substring(2));
      String line =
          text.lines()
              .filter(l -> l.contains(bdf.substring(8)) && l.contains(n.vendorDevice()))
              .findFirst()
              .orElse("");
      assertTrue(line.contains("Ethernet") || line.contains("Network"), line);
    }
  }
}
