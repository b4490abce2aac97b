package dev.fabricscope.agent.bandwidth.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.bandwidth.Expectations;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CudaDevicesTest {

  /**
   * Oracle: on the real H200 host, NVIDIA's own bus id (NVML, the form the driver API writes too)
   * and the BDF our discovery read from that host's sysfs name the same function.
   */
  @Test
  void driverBusIdsReadAsSysfsBdfs() throws Exception {
    JsonNode nvml =
        new ObjectMapper()
            .readTree(Fixtures.root().resolve("gpu-hosts/h200-passthrough.nvml.json").toFile());
    List<String> busIds = new ArrayList<>();
    nvml.findValues("busId").forEach(n -> busIds.add(n.asText()));
    assertTrue(!busIds.isEmpty() && busIds.get(0).startsWith("00000000:"), busIds.toString());
    Report report;
    try (var u =
        ArchiveExtractor.extract(Fixtures.root().resolve("gpu-hosts/h200-passthrough.tar.bz2"))) {
      report = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    String bdf = Expectations.bdfOf(report, Endpoint.gpu(0));
    for (String id : busIds) {
      assertEquals(bdf, CudaDevices.normalize(id));
    }
    assertEquals("0000:3b:00.0", CudaDevices.normalize("0000:3B:00.0"));
    assertEquals("not a bus id", CudaDevices.normalize("not a bus id"));
  }

  /**
   * Whatever order the driver enumerates GPUs in, {@code gpu:N} is the GPU the path model means by
   * {@code gpu:N}, so measured and expected values describe the same device.
   */
  @Test
  void gpuOrdinalsFollowThePathModel() throws Exception {
    Report host = SyntheticHosts.nestedSwitches("h", 150);
    List<CudaDevices.Gpu> driverOrder = new ArrayList<>();
    int ordinal = 0;
    for (var g : host.gpus()) {
      driverOrder.add(new CudaDevices.Gpu(ordinal++, g.pciFunction(), "GPU"));
    }
    assertTrue(driverOrder.size() >= 40, "GPUs: " + driverOrder.size());
    Collections.shuffle(driverOrder, new java.util.Random(7));
    CudaDevices devices = CudaDevices.of(driverOrder);
    for (int i = 0; i < driverOrder.size(); i++) {
      String expected = Expectations.bdfOf(host, Endpoint.gpu(i));
      assertEquals(expected, devices.find(Endpoint.gpu(i)).bdf(), "gpu:" + i);
      assertEquals(expected, devices.find(Endpoint.parse(expected)).bdf(), "by BDF " + expected);
    }
    CudaException e = assertThrows(CudaException.class, () -> devices.find(Endpoint.gpu(63)));
    assertTrue(e.getMessage().startsWith("gpu:63 is not a GPU the CUDA driver shows here"));
  }
}
