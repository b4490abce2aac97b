package dev.fabricscope.findings;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.metrics.FleetGauges;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.NvmlHosts;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Reports of 20,000 GPUs at the ingest limit, through the real ingest path (fifteenth security
 * review): each GPU on a root bus of its own made the fleet findings, and so the gauges' background
 * pass, allocate hostBridges² verdicts and exit the server; all of them below capable speed made
 * one finding listing them all (12,000 with their links fit the 16 MiB report limit here). Now one
 * {@code GPU_NIC_NOT_ANALYSED} warning, and a finding of at most 256 devices, in the API, the
 * findings page and the gauges.
 */
@QuarkusTest
class LargeHostFindingsIngestTest {

  @Inject FleetGauges gauges;

  /**
   * {@code n} GPUs, each the function 00.0 of a root bus of its own; below capable speed if slow.
   */
  static byte[] gpusOnOwnHostBridges(String host, int n, boolean slow) throws Exception {
    ObjectNode json = (ObjectNode) ReportJson.mapper().valueToTree(NvmlHosts.flat(host, n, 0));
    ((ObjectNode) json.get("host")).put("name", host);
    json.putArray("gpus"); // the GPU list holds at most 10,000; the PCI functions say GPU
    ArrayNode pci = (ArrayNode) json.get("pci");
    for (int i = 0; i < pci.size(); i++) {
      ObjectNode f = (ObjectNode) pci.get(i);
      // what the rules read, within the 16 MiB report limit (as the reviewer's report)
      f.putNull("config").putNull("localCpulist").put("deviceName", "g").put("vendorName", "N");
      f.putNull("iommu").putNull("link");
      f.put("bdf", String.format("%04x:%02x:00.0", i / 256, i % 256));
      f.put("hostBridge", String.format("pci%04x:%02x", i / 256, i % 256));
      if (slow) {
        ObjectNode link = f.putObject("link");
        link.putObject("current").put("speedGTs", 2.5).put("width", 16);
        link.putObject("max").put("speedGTs", 16.0).put("width", 16);
        link.putNull("capability").putNull("status").putNull("upstream").putNull("reportedGBps");
      }
    }
    byte[] body = ReportJson.mapper().writeValueAsBytes(json);
    assertTrue(body.length < 16 << 20, body.length + " bytes");
    return body;
  }

  @Test
  void twentyThousandHostBridgesGiveOneNotAnalysedFindingAndTheGaugesRun() throws Exception {
    IngestedHost host = IngestedHost.named("hb20000");
    host.send(gpusOnOwnHostBridges(host.name(), 20_000, false));
    gauges.refresh(Instant.now()); // the background pass that ran the server out of heap
    host.findings()
        .body("findAll { it.rule == 'GPU_WITHOUT_CLOSE_NIC' }", hasSize(0))
        .body("findAll { it.rule == 'GPU_NIC_NOT_ANALYSED' }", hasSize(1))
        .body(
            "find { it.rule == 'GPU_NIC_NOT_ANALYSED' }.message",
            containsString("20000 matrix devices (20000 GPUs), over the 2000"))
        .body("find { it.rule == 'GPU_NIC_NOT_ANALYSED' }.severity", equalTo("warning"));
    host.page()
        .body(containsString("data-rule=\"GPU_NIC_NOT_ANALYSED\""))
        .body(containsString("GPU-to-NIC distances"));
  }

  @Test
  void twelveThousandSlowLinksAreOneFindingOf256Devices() throws Exception {
    IngestedHost host = IngestedHost.named("slow20000");
    host.send(gpusOnOwnHostBridges(host.name(), 12_000, true));
    host.findings()
        .body("findAll { it.rule == 'LINK_SPEED_BELOW_CAPABLE' }", hasSize(1))
        .body("find { it.rule == 'LINK_SPEED_BELOW_CAPABLE' }.devices", hasSize(256))
        .body("find { it.rule == 'LINK_SPEED_BELOW_CAPABLE' }.count", equalTo(1))
        .body(
            "find { it.rule == 'LINK_SPEED_BELOW_CAPABLE' }.message",
            containsString("(12000 devices, the first 256 listed)"))
        .body("collect { it.devices.size() }", everyItem(lessThanOrEqualTo(256)))
        .body("collect { it.message.length() }", everyItem(lessThanOrEqualTo(1000)));
  }
}
