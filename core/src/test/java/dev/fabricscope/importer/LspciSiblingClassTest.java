package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciVerboseParser;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A function the {@code lspci -tv} tree names without a {@code -vvv} block is classified from its
 * sibling. Real input: the Puget WRX90 page (fixtures README "text/"), whose tree lists both ports
 * of the dual-port ConnectX-7 ({@code 21:00.0}, {@code 21:00.1}, printed without {@code -nn}, so
 * the ids come from pci.ids by name) while only {@code 21:00.0} has a {@code -vvv} block, whose
 * header lspci printed as "Ethernet controller" (PCI class 02, subclass 00).
 */
class LspciSiblingClassTest {

  @Test
  void secondConnectX7PortIsClassifiedFromTheFirst() throws Exception {
    Path file = Fixtures.root().resolve("text/puget-threadripper-pro-wrx90.md");
    String text = Fixtures.read(file);
    Map<String, LspciVerboseParser.Function> vvv = LspciVerboseParser.parse(text);
    // the shape under test, as the page has it
    assertTrue(vvv.containsKey("0000:21:00.0"));
    assertFalse(vvv.containsKey("0000:21:00.1"));
    assertTrue(text.contains("21:00.0 Ethernet controller: Mellanox Technologies MT2910"));

    Report r = Importers.load(file);
    PciFunction port0 = find(r, "0000:21:00.0");
    PciFunction port1 = find(r, "0000:21:00.1");
    assertEquals(0x0200, Integer.parseInt(port0.classCode().substring(2), 16) >> 8);
    assertEquals(port0.vendorId(), port1.vendorId());
    assertEquals(port0.deviceId(), port1.deviceId());
    assertEquals("0x15b3", port1.vendorId(), "Mellanox, from pci.ids by name");
    assertEquals(port0.classCode(), port1.classCode());
    assertEquals(DeviceKind.NIC, port1.kind());
    assertNull(port1.revision(), "per function: not copied");
    assertNull(port1.link(), "per function: not copied");
    assertTrue(
        r.diagnostics().stream()
            .anyMatch(d -> d.path().equals("0000:21:00.1") && d.reason().contains("21:00.0")),
        r.diagnostics().toString());
  }

  @Test
  void functionsOfAnotherDeviceAreNotSiblings() {
    assertTrue(LspciSiblings.sameDevice("0000:21:00.0", "0000:21:00.1"));
    assertFalse(LspciSiblings.sameDevice("0000:21:00.0", "0000:21:01.0"));
    assertFalse(LspciSiblings.sameDevice("0000:21:00.0", "0001:21:00.1"));
  }

  private static PciFunction find(Report r, String bdf) {
    return r.pci().stream().filter(f -> f.bdf().equals(bdf)).findFirst().orElseThrow();
  }
}
