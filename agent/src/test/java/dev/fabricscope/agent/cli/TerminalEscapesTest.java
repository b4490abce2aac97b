package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.text.TerminalText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report whose device names carry terminal controls (the review of 2026-12-06: an NVMe name of
 * {@code ESC ] 0 ; … BEL ESC [ 2 J} retitled the window and cleared the screen through {@code
 * topo}): every text command prints them escaped, on both streams.
 */
class TerminalEscapesTest {

  private static final String STEER = "\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eFAKE\r";
  private static final Set<String> NAMES = Set.of("deviceName", "vendorName", "name", "model");

  @TempDir Path tmp;

  private Path hostileReport() throws Exception {
    JsonNode tree =
        ReportJson.mapper().valueToTree(Importers.load(Fixtures.sysfs("qemu-rig-iommu.tar.gz")));
    for (String list : List.of("pci", "nvme", "rdma", "net")) {
      for (JsonNode device : tree.path(list)) {
        for (String field : NAMES) {
          if (device.path(field).isTextual()) {
            ((ObjectNode) device).put(field, device.get(field).asText() + STEER);
          }
        }
      }
    }
    return Files.writeString(tmp.resolve("steer.json"), tree.toString());
  }

  private static void assertNothingSteers(InProcess.Result r, String what) {
    for (String stream : List.of(r.out(), r.err())) {
      for (int i = 0; i < stream.length(); i++) {
        char c = stream.charAt(i);
        assertFalse(TerminalText.steers(c), what + ": U+" + Integer.toHexString(c) + " at " + i);
      }
    }
  }

  @Test
  void topoExplainAndPlanPrintTheNamesEscaped() throws Exception {
    String f = hostileReport().toString();
    InProcess.Result topo = InProcess.run("topo", "--input", f);
    assertEquals(0, topo.code(), topo.err());
    assertNothingSteers(topo, "topo");
    InProcess.Result nvme = InProcess.run("explain", "--input", f, "nvme0", "nvme1");
    assertEquals(0, nvme.code(), nvme.err());
    assertNothingSteers(nvme, "explain");
    assertTrue(
        nvme.out().contains("\\x1b]0;pwned\\x07\\x1b[2J\\u009b31m\\u202eFAKE\\x0d"), nvme.out());
    InProcess.Result plan = InProcess.run("plan", "--input", f);
    assertNothingSteers(plan, "plan");
    InProcess.Result wrong = InProcess.run("explain", "--input", f, "nvme0", "no-such\u001b[2J");
    assertEquals(2, wrong.code());
    assertNothingSteers(wrong, "explain's error");
  }
}
