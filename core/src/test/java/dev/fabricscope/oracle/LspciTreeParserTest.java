package dev.fabricscope.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.LspciTreeParser.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tree parser on snippets cut from the real {@code .lspci-tvnn.txt} oracles. */
class LspciTreeParserTest {

  private static Node node(String bdf, String parent, String id, boolean bridge) {
    return new Node(bdf, parent, id, bridge);
  }

  @Test
  void singleDomainWithBridgesAndContinuations() {
    // ghw-linux-amd64-61797caf…: nested AMD chipset bridges, '|' continuation columns
    String text =
        String.join(
            "\n",
            "# lspci -tvnn (pciutils 3.9.0) run over the extracted archive",
            "-[0000:00]-+-00.0  Advanced Micro Devices, Inc. [AMD] Family 17h Root Complex"
                + " [1022:1450]",
            "           +-01.3-[01]--+-00.0  AMD 300 Series Chipset USB 3.1 xHCI [1022:43bb]",
            "           |            \\-00.2-[02]--+-00.0-[03]----00.0  Realtek RTL8111 [10ec:8168]",
            "           |                         +-04.0-[06]--+-00.0  Intel I350 [8086:1521]",
            "           |                         |            \\-00.1  Intel I350 [8086:1521]",
            "           |                         \\-07.0  AMD 300 Series Chipset PCIe Port"
                + " [1022:43b4]",
            "           \\-18.7  AMD Data Fabric: Device 18h; Function 7 [1022:1467]");
    Map<String, Node> t = LspciTreeParser.parse(text);
    assertEquals(
        List.of(
            node("0000:00:00.0", null, "1022:1450", false),
            node("0000:00:01.3", null, null, true),
            node("0000:01:00.0", "0000:00:01.3", "1022:43bb", false),
            node("0000:01:00.2", "0000:00:01.3", null, true),
            node("0000:02:00.0", "0000:01:00.2", null, true),
            node("0000:03:00.0", "0000:02:00.0", "10ec:8168", false),
            node("0000:02:04.0", "0000:01:00.2", null, true),
            node("0000:06:00.0", "0000:02:04.0", "8086:1521", false),
            node("0000:06:00.1", "0000:02:04.0", "8086:1521", false),
            node("0000:02:07.0", "0000:01:00.2", "1022:43b4", false),
            node("0000:00:18.7", null, "1022:1467", false)),
        List.copyOf(t.values()));
  }

  @Test
  void severalRootBusesBusRangesAndBridgesWithoutSecondaryBus() {
    // hwloc-32em64t-2n8c+dax+nvme+mic+dimms: "11.0--", "[04-05]", empty bridges, three roots
    String text =
        String.join(
            "\n",
            "-+-[0000:00]-+-00.0  Intel Corporation Xeon E5/Core i7 DMI2 [8086:3c00]",
            " |           +-01.0-[01]--",
            " |           +-11.0--",
            " |           +-1c.0-[04-05]----00.0-[05]----00.0  ASPEED Graphics Family [1a03:2000]",
            " |           \\-1f.3  Intel Corporation C600/X79 SMBus Host Controller [8086:1d22]",
            " +-[0000:80]-+-02.2-[82]----00.0  Mellanox MT27500 Family [ConnectX-3] [15b3:1003]",
            " |           \\-05.4  Intel Corporation Xeon E5/Core i7 I/O APIC [8086:3c2c]",
            " \\-[0000:ff]-+-08.0  Intel Corporation Xeon E5/Core i7 QPI Link 0 [8086:3c80]",
            "             \\-13.6  Intel Corporation Xeon E5/Core i7 Ring to QPI [8086:3c45]");
    Map<String, Node> t = LspciTreeParser.parse(text);
    assertEquals(node("0000:00:01.0", null, null, true), t.get("0000:00:01.0"));
    assertEquals(node("0000:00:11.0", null, null, true), t.get("0000:00:11.0"));
    assertEquals(node("0000:00:1c.0", null, null, true), t.get("0000:00:1c.0"));
    assertEquals(node("0000:04:00.0", "0000:00:1c.0", null, true), t.get("0000:04:00.0"));
    assertEquals(node("0000:05:00.0", "0000:04:00.0", "1a03:2000", false), t.get("0000:05:00.0"));
    assertEquals(node("0000:00:1f.3", null, "8086:1d22", false), t.get("0000:00:1f.3"));
    assertEquals(node("0000:82:00.0", "0000:80:02.2", "15b3:1003", false), t.get("0000:82:00.0"));
    assertEquals(node("0000:80:05.4", null, "8086:3c2c", false), t.get("0000:80:05.4"));
    assertEquals(node("0000:ff:13.6", null, "8086:3c45", false), t.get("0000:ff:13.6"));
    assertEquals(12, t.size());
  }

  @Test
  void singleChildRootsPrintThreeDashes() {
    // procfs-fixtures: each root bus holds exactly one function
    String text =
        "-+-[0000:00]---02.1-[01]----00.0  Micron/Crucial P2 NVMe PCIe SSD [c0a9:540a]\n"
            + " \\-[0000:a2]---00.0  Intel Corporation Ethernet Controller E810-XXV [8086:159b]\n";
    Map<String, Node> t = LspciTreeParser.parse(text);
    assertEquals(
        List.of(
            node("0000:00:02.1", null, null, true),
            node("0000:01:00.0", "0000:00:02.1", "c0a9:540a", false),
            node("0000:a2:00.0", null, "8086:159b", false)),
        List.copyOf(t.values()));
  }

  @Test
  void thirtyTwoBitDomains() {
    // shape of hwloc-2pa-pcidomain32bits (lspci prints the domain with %04x: 5 digits here)
    String text =
        "-+-[0000:00]-+-01.1  Intel Corporation 82371SB PIIX3 IDE [8086:7010]\n"
            + " |           \\-03.0  Red Hat, Inc. Virtio network device [1af4:1000]\n"
            + " \\-[10000:00]---04.0  Red Hat, Inc. Virtio block device [1af4:1001]\n";
    Map<String, Node> t = LspciTreeParser.parse(text);
    assertEquals(node("10000:00:04.0", null, "1af4:1001", false), t.get("10000:00:04.0"));
    assertEquals(node("0000:00:03.0", null, "1af4:1000", false), t.get("0000:00:03.0"));
  }

  @Test
  void aBridgeWithSeveralBusesListsEachBus() {
    // ls-tree.c prints "+-[dddd:bb]-" below a bridge whose children sit on more than one bus
    String text =
        "-[0000:00]-+-01.0-[01-02]--+-[0000:01]---00.0  Dev A [1111:2222]\n"
            + "           |               \\-[0000:02]---00.0  Dev B [3333:4444]\n"
            + "           \\-02.0  Dev C [5555:6666]\n";
    Map<String, Node> t = LspciTreeParser.parse(text);
    assertEquals(node("0000:01:00.0", "0000:00:01.0", "1111:2222", false), t.get("0000:01:00.0"));
    assertEquals(node("0000:02:00.0", "0000:00:01.0", "3333:4444", false), t.get("0000:02:00.0"));
    assertEquals(node("0000:00:02.0", null, "5555:6666", false), t.get("0000:00:02.0"));
  }

  @Test
  void childrenOfABridgeWithoutBusNumberAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LspciTreeParser.parse("-[0000:00]-+-11.0----00.0  Dev [1111:2222]\n"));
    assertTrue(e.getMessage().contains("bus lspci did not print"), e.getMessage());
  }

  @Test
  void garbageIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> LspciTreeParser.parse("hello world\n"));
    assertThrows(
        IllegalArgumentException.class,
        () -> LspciTreeParser.parse("-[0000:00]-+-00.0  A [1111:2222]\n     |   +-01.0  B\n"));
  }
}
