package dev.fabricscope.oracle;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.PciFunction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The tree comparison fails on each kind of difference (so a green fixture test means something).
 */
class TreeAssertionsTest {

  private static final Map<String, LspciTreeParser.Node> ORACLE =
      LspciTreeParser.parse(
          "-[0000:00]-+-01.0-[01]----00.0  Intel I350 [8086:1521]\n"
              + "           \\-1f.0  Intel LPC [8086:2918]\n");

  private static PciFunction fn(String bdf, String parent, String vendor, String device) {
    return new PciFunction(
        bdf,
        parent,
        "pci0000:00",
        vendor,
        device,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static final PciFunction BRIDGE = fn("0000:00:01.0", null, "0x8086", "0x0001");
  private static final PciFunction NIC = fn("0000:01:00.0", "0000:00:01.0", "0x8086", "0x1521");
  private static final PciFunction LPC = fn("0000:00:1f.0", null, "0x8086", "0x2918");

  @Test
  void equalTreePasses() {
    TreeAssertions.assertSameTree(ORACLE, List.of(BRIDGE, NIC, LPC), "same");
  }

  @Test
  void eachDifferenceFails() {
    expectFailure(List.of(BRIDGE, NIC), "lspci shows but discovery does not");
    expectFailure(
        List.of(BRIDGE, NIC, LPC, fn("0000:00:02.0", null, "0x1", "0x2")),
        "discovery reports but lspci does not");
    expectFailure(
        List.of(BRIDGE, fn("0000:01:00.0", null, "0x8086", "0x1521"), LPC), "parent lspci");
    expectFailure(
        List.of(BRIDGE, fn("0000:01:00.0", "0000:00:01.0", "0x8086", "0x1522"), LPC),
        "vendor:device");
  }

  private static void expectFailure(List<PciFunction> pci, String message) {
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class, () -> TreeAssertions.assertSameTree(ORACLE, pci, "t"));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
