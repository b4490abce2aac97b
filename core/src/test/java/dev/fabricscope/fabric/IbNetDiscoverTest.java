package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.FabricArchives;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ib-subnet-*.txt} of the PlaFRIM2 archive joined by node GUID to the hosts' hwloc XMLs: the
 * LIDs hwloc recorded are the LIDs the fabric discovery saw, and each host's switch is named.
 */
class IbNetDiscoverTest {

  @TempDir Path tmp;

  @Test
  void parsesALine() {
    List<IbNetDiscover.CaLink> l =
        IbNetDiscover.parse(
            "DR path slid 0; dlid 0; 0 -> new Channel Adapter {f4521403001630f0} portnum 1\n"
                + "CA    61  1 0x00117500006f37a8 4x QDR - SW    58 19 0x00066a00e3006b6f"
                + " ( 'miriel044 qib0' - 'TS-i12k00066a00e3006b6f' )\n"
                + "SW   109 36 0x0002c90200493108 4x ???      'MF0;switchIB-MLX01:IS5030/U1'\n");
    assertEquals(
        List.of(
            new IbNetDiscover.CaLink(
                "0011:7500:006f:37a8",
                1,
                61,
                "4x",
                "QDR",
                "0006:6a00:e300:6b6f",
                58,
                19,
                "miriel044 qib0",
                "TS-i12k00066a00e3006b6f")),
        l);
  }

  @Test
  void hwlocLidsMatchTheDiscoveryOnPlafrim2() throws Exception {
    Path dir = FabricArchives.extract("plafrim2", tmp);
    Map<String, IbNetDiscover.CaLink> byGuid =
        IbNetDiscover.parse(
                Files.readString(
                    dir.resolve("ib-raw/ib-subnet-fe80:0000:0000:0000.txt"),
                    StandardCharsets.ISO_8859_1))
            .stream()
            .collect(
                Collectors.toMap(IbNetDiscover.CaLink::caGuid, Function.identity(), (a, b) -> a));
    assertTrue(byGuid.size() > 50, "CA links parsed: " + byGuid.size());
    List<RdmaFabric.HostReport> hosts = new ArrayList<>();
    for (String h : List.of("miriel044", "miriel045", "miriel046", "miriel060")) {
      hosts.add(new RdmaFabric.HostReport(h, Importers.load(dir.resolve("hwloc/" + h + ".xml"))));
    }
    RdmaFabric.Subnet s = RdmaFabric.build(hosts).get(0);
    assertEquals("ib:fe80:0000:0000:0000", s.id());
    assertEquals(4, s.ports().size());
    for (RdmaFabric.PortRow r : s.ports()) {
      IbNetDiscover.CaLink link = byGuid.get(r.nodeGuid());
      assertNotNull(link, r.host() + " " + r.nodeGuid() + " in the discovery");
      assertEquals(link.caLid(), Integer.decode(r.lid()), r.host() + " LID");
      assertEquals(r.port(), link.caPort());
      assertTrue(link.caDescription().startsWith(r.host() + " "), link.caDescription());
      assertTrue(link.switchDescription().startsWith("TS-"), link.switchDescription());
    }
  }

  /**
   * The CAs cabled to one switch share one copy of what they repeat: PlaFRIM's 125 CA lines name 9
   * switches, 1 width and 1 speed, so a kept discovery holds 11 such strings, not 500.
   */
  @Test
  void repeatedFieldsAreSharedWithinADiscovery() throws Exception {
    Path dir = FabricArchives.extract("plafrim", tmp);
    IbNetDiscover.Discovery d =
        IbNetDiscover.Discovery.parse(
            "plafrim", Files.readString(dir.resolve("ib-raw/ib-subnet-fe80:0000:0000:0000.txt")));
    assertEquals(125, d.links().size());
    Map<String, Object> copies = new IdentityHashMap<>();
    for (IbNetDiscover.CaLink l : d.links().values()) {
      for (String s : List.of(l.width(), l.speed(), l.switchGuid(), l.switchDescription())) {
        copies.put(s, s);
      }
    }
    Set<String> distinct = new HashSet<>();
    copies.keySet().forEach(distinct::add);
    assertEquals(distinct.size(), copies.size(), "one copy of each distinct value");
    assertTrue(copies.size() < 30, copies.size() + " strings");
  }
}
