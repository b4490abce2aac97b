package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.FabricArchives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real, separate InfiniBand clusters whose subnet managers both keep the default {@code fe80::}
 * prefix (PlaFRIM and Avakas in {@code fixtures/fabric/}): by prefix alone their ports fall into
 * one subnet, flagged as possibly several fabrics; with each cluster's {@code ibnetdiscover -p}
 * output they are two fabrics, each with the switches its hosts are cabled to. Expected values were
 * read off the archives with grep: bonobo001/002's port GUIDs 0002:c903:0002:a0cf and :983f are
 * cabled to switch 0x0002c9020040b0e0 (PlaFRIM's lowest switch GUID); avakas-frontend1 and bigmem01
 * to 0x00066a00ec002e01 and 0x00066a00ec002dd2, Avakas's lowest switch GUID being
 * 0x00066a00eb002c12.
 */
class RdmaFabricDiscoveryTest {

  @TempDir Path tmp;

  @Test
  void discoveriesSeparateFabricsThatShareTheDefaultPrefix() throws Exception {
    Path plafrim = FabricArchives.extract("plafrim", Files.createDirectories(tmp.resolve("p")));
    Path avakas = FabricArchives.extract("avakas", Files.createDirectories(tmp.resolve("a")));
    List<RdmaFabric.HostReport> hosts = new ArrayList<>();
    for (String h : List.of("bonobo001", "bonobo002")) {
      hosts.add(
          new RdmaFabric.HostReport(h, Importers.load(plafrim.resolve("hwloc/" + h + ".xml"))));
    }
    for (String h : List.of("avakas-frontend1", "bigmem01")) {
      hosts.add(
          new RdmaFabric.HostReport(h, Importers.load(avakas.resolve("hwloc/" + h + ".xml"))));
    }
    String file = "ib-raw/ib-subnet-fe80:0000:0000:0000.txt";

    List<RdmaFabric.Subnet> merged = RdmaFabric.build(hosts);
    assertEquals(1, merged.size(), merged.toString());
    assertEquals("ib:fe80:0000:0000:0000", merged.get(0).id());
    assertTrue(merged.get(0).mayMergeFabrics());
    assertEquals(
        List.of("avakas-frontend1", "bigmem01", "bonobo001", "bonobo002"), merged.get(0).hosts());

    List<IbNetDiscover.Discovery> discoveries =
        List.of(
            IbNetDiscover.Discovery.of("plafrim", Files.readString(plafrim.resolve(file))),
            IbNetDiscover.Discovery.of("avakas", Files.readString(avakas.resolve(file))));
    List<RdmaFabric.Subnet> split = RdmaFabric.build(hosts, discoveries);
    RdmaFabric.Subnet p = find(split, "ib:fe80:0000:0000:0000@0002:c902:0040:b0e0");
    assertEquals(List.of("bonobo001", "bonobo002"), p.hosts());
    assertEquals(List.of("0002:c902:0040:b0e0"), p.switchGuids());
    assertEquals("plafrim", p.discovery());
    assertFalse(p.mayMergeFabrics());
    // port 1 of each adapter: the ones the discovery lists
    assertEquals(List.of(1, 1), p.ports().stream().map(RdmaFabric.PortRow::port).toList());
    RdmaFabric.Subnet a = find(split, "ib:fe80:0000:0000:0000@0006:6a00:eb00:2c12");
    assertEquals(List.of("avakas-frontend1", "bigmem01"), a.hosts());
    assertEquals(List.of("0006:6a00:ec00:2dd2", "0006:6a00:ec00:2e01"), a.switchGuids());
    // ports no discovery lists (the second ports of bonobo's dual-port adapters) stay by prefix
    for (RdmaFabric.Subnet s : split) {
      if (s.fabric() == null) {
        assertTrue(s.mayMergeFabrics());
        assertTrue(s.ports().stream().allMatch(r -> r.port() == 2), s.ports().toString());
      }
    }
  }

  static RdmaFabric.Subnet find(List<RdmaFabric.Subnet> subnets, String id) {
    return subnets.stream()
        .filter(s -> s.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    id + " in " + subnets.stream().map(RdmaFabric.Subnet::id).toList()));
  }
}
