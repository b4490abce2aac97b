package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.FabricArchives;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Groups the per-node hwloc XMLs of the real cluster archives in {@code fixtures/fabric/} and
 * checks the grouping against the archives' own fabric discovery ({@code
 * netloc/IB-<prefix>-nodes.txt}): per subnet, the channel adapters' node GUIDs of the imported
 * hosts must be exactly the GUIDs our grouping puts there.
 */
class RdmaFabricTest {

  @TempDir Path tmp;

  @ParameterizedTest
  // plafrim: its hwloc XMLs hold none of the adapters its netloc discovery lists
  @ValueSource(strings = {"plafrim2", "avakas"})
  void groupingMatchesTheArchivesDiscovery(String cluster) throws Exception {
    Path dir = FabricArchives.extract(cluster, tmp);
    List<RdmaFabric.HostReport> hosts = new ArrayList<>();
    Set<String> importedGuids = new HashSet<>();
    try (Stream<Path> s = Files.list(dir.resolve("hwloc"))) {
      for (Path xml :
          s.filter(p -> p.toString().endsWith(".xml") && !p.toString().endsWith(".diff.xml"))
              .sorted()
              .toList()) {
        Report r = Importers.load(xml);
        String host = xml.getFileName().toString().replaceFirst("\\.xml$", "");
        hosts.add(new RdmaFabric.HostReport(host, r));
        for (RdmaDevice d : r.rdma()) {
          if (d.nodeGuid() != null) {
            importedGuids.add(d.nodeGuid().toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    assertFalse(importedGuids.isEmpty(), "the hwloc XMLs carry OpenFabrics NodeGUIDs");
    List<RdmaFabric.Subnet> subnets = RdmaFabric.build(hosts);
    Map<String, Set<String>> expected = discovered(dir.resolve("netloc"), importedGuids);
    // hosts whose adapters the discovery never saw (not cabled, or another fabric with the same
    // default prefix) cannot be checked against it
    Set<String> seen = new HashSet<>();
    expected.values().forEach(seen::addAll);
    assertFalse(expected.isEmpty(), "netloc node lists found");
    int checked = 0;
    for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
      RdmaFabric.Subnet sn =
          subnets.stream().filter(x -> x.id().equals("ib:" + e.getKey())).findFirst().orElse(null);
      assertNotNull(sn, cluster + ": no subnet " + e.getKey() + " in " + ids(subnets));
      assertEquals("InfiniBand", sn.linkLayer());
      if (e.getValue().isEmpty()) {
        continue; // the archive's hwloc XMLs hold none of this subnet's adapters
      }
      // the discovery saw only active ports: compare with the ports we grouped that are ACTIVE
      // (or whose state hwloc did not record)
      Set<String> ours = new TreeSet<>();
      for (RdmaFabric.PortRow p : sn.ports()) {
        if ((p.state() == null || "ACTIVE".equals(p.state()))
            && seen.contains(p.nodeGuid().toLowerCase(Locale.ROOT))) {
          ours.add(p.nodeGuid().toLowerCase(Locale.ROOT));
        }
      }
      assertEquals(e.getValue(), ours, cluster + " subnet " + e.getKey());
      assertTrue(sn.hostCount() >= e.getValue().size());
      checked++;
    }
    assertTrue(checked > 0, cluster + ": no subnet could be checked");
  }

  @Test
  void aClusterNodeLandsInItsPrefixSubnet() throws Exception {
    Path dir = FabricArchives.extract("plafrim2", tmp);
    List<RdmaFabric.HostReport> hosts = new ArrayList<>();
    for (String h : List.of("miriel044", "sirocco02", "devel11")) {
      hosts.add(new RdmaFabric.HostReport(h, Importers.load(dir.resolve("hwloc/" + h + ".xml"))));
    }
    List<RdmaFabric.Subnet> s = RdmaFabric.build(hosts);
    assertTrue(ids(s).contains("ib:fe80:0000:0000:0000"), ids(s).toString());
    assertTrue(s.get(0).hosts().contains("miriel044"), s.get(0).hosts().toString());
  }

  @Test
  void prefixAndRoce() {
    assertEquals("fe80:0000:0000:0001", Gids.prefix("fe80::1:2:3:4:5"));
    assertEquals("fe80:0000:0000:0000", Gids.prefix("fe80:0000:0000:0000:0011:7500:006f:6a66"));
    assertEquals(
        "10.1.2.0/24", Gids.ipv4Network("::ffff:10.1.2.3".replace("10.1.2.3", "0a01:0203")));
    RdmaDevice.Port roce =
        new RdmaDevice.Port(
            1,
            "ACTIVE",
            4,
            "LinkUp",
            5,
            100.0,
            "100 Gb/sec (4X EDR)",
            "Ethernet",
            "0x0",
            null,
            List.of(
                "fe80:0000:0000:0000:0202:c9ff:fe00:0001",
                "0000:0000:0000:0000:0000:ffff:0a01:0203"),
            List.of("eth0"));
    RdmaDevice.Port ib =
        new RdmaDevice.Port(
            1,
            "DOWN",
            1,
            "Disabled",
            3,
            null,
            null,
            null,
            "0x4",
            null,
            List.of("fe80:0000:0000:0000:0011:7500:006f:6a66"),
            List.of());
    RdmaDevice mlx =
        new RdmaDevice(
            "mlx5_0",
            "0000:01:00.0",
            RdmaDevice.Provider.HARDWARE,
            "aaaa:bbbb:cccc:dddd",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            List.of(roce));
    RdmaDevice qib =
        new RdmaDevice(
            "qib0",
            "0000:02:00.0",
            RdmaDevice.Provider.RDMAVT,
            "0011:7500:006f:6a66",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            List.of(ib));
    List<RdmaFabric.Subnet> s =
        RdmaFabric.build(
            List.of(
                new RdmaFabric.HostReport("b", withRdma(List.of(qib))),
                new RdmaFabric.HostReport("a", withRdma(List.of(mlx)))));
    assertEquals(List.of("ib:fe80:0000:0000:0000", "roce:10.1.2.0/24"), ids(s));
    assertEquals(List.of("a"), s.get(1).hosts());
    assertEquals(Map.of("ACTIVE", 1), s.get(1).byState());
    assertEquals(Map.of("DOWN", 1), s.get(0).byState());
    assertEquals(Map.of("unknown", 1), s.get(0).byRate());
  }

  private static Report withRdma(List<RdmaDevice> rdma) {
    return new Report(
        Report.SCHEMA_VERSION,
        "test",
        null,
        List.of(),
        rdma,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  private static List<String> ids(List<RdmaFabric.Subnet> s) {
    return s.stream().map(RdmaFabric.Subnet::id).toList();
  }

  /** Per prefix, the CA GUIDs of {@code IB-<prefix>-nodes.txt} among the imported ones. */
  static Map<String, Set<String>> discovered(Path netloc, Set<String> imported) throws IOException {
    Map<String, Set<String>> out = new TreeMap<>();
    for (FabricArchives.NetlocNodes list : FabricArchives.netloc(netloc)) {
      Set<String> cas = new TreeSet<>();
      for (FabricArchives.NetlocNode n : list.nodes()) {
        if (n.ca() && imported.contains(n.guid())) {
          cas.add(n.guid());
        }
      }
      out.put(list.prefix(), cas);
    }
    return out;
  }
}
