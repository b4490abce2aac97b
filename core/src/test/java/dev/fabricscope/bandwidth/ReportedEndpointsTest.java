package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Endpoints held to a host's report (eighth review, finding 4): the QEMU rig's real report (two
 * NUMA nodes, NVMe at 03:00.0 and 04:00.0, soft-RoCE rxe0/rxe1 with link-local GIDs only) and
 * copies of it with other ports.
 */
class ReportedEndpointsTest {

  static final String V4_MAPPED = "0000:0000:0000:0000:0000:ffff:";

  static Report rig;

  @BeforeAll
  static void discover() throws Exception {
    rig = Fixtures.discover("qemu-rig-plain");
  }

  static Optional<String> problem(Report r, String endpoint) {
    return ReportedEndpoints.of(r).problem(Endpoint.parse(endpoint), "hostb");
  }

  /** The rig with its RDMA devices replaced. */
  static Report withRdma(Report r, List<RdmaDevice> rdma) {
    return new Report(
        r.schemaVersion(),
        r.source(),
        r.host(),
        r.pci(),
        rdma,
        r.net(),
        r.nvme(),
        r.gpus(),
        r.nvlinks(),
        r.diagnostics());
  }

  static RdmaDevice device(String name, String linkLayer, List<String> netdevs, String... gids) {
    RdmaDevice.Port p =
        new RdmaDevice.Port(
            1,
            "ACTIVE",
            4,
            "LinkUp",
            5,
            100.0,
            "100 Gb/sec",
            linkLayer,
            "0x0",
            null,
            List.of(gids),
            netdevs);
    return new RdmaDevice(
        name,
        null,
        RdmaDevice.Provider.HARDWARE,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        List.of(p));
  }

  static String mapped(int a, int b, int c, int d) {
    return V4_MAPPED + String.format("%02x%02x:%02x%02x", a, b, c, d);
  }

  /**
   * A report carries interface addresses only as RoCE GIDs, so an address is never held to it: a
   * TCP test between hosts without RoCE (the rig's rxe ports have link-local GIDs only; a report
   * without RDMA has none) must be queued. Where a run side may connect is its agent's to bound.
   */
  @Test
  void anyAddressIsTakenWhateverTheReportsGidsSay() {
    Report none = withRdma(rig, List.of());
    Report roce =
        withRdma(rig, List.of(device("mlx5_0", "Ethernet", List.of("ens1"), mapped(10, 0, 0, 2))));
    for (Report r : List.of(rig, none, roce)) {
      for (String a :
          new String[] {"addr:10.0.0.2", "addr:10.77.0.3", "addr:fd00::2", "addr:::1"}) {
        assertEquals(Optional.empty(), problem(r, a), a);
      }
    }
  }

  @Test
  void numaNodesGpusDevicesAndPortsTheReportLacksAreRefused() {
    assertEquals(Optional.empty(), problem(rig, "numa:1"));
    String numa = problem(rig, "numa:999").orElseThrow();
    assertTrue(numa.contains("(it has numa:0, numa:1)"), numa);
    assertTrue(problem(rig, "gpu:0").orElseThrow().contains("no NVIDIA GPU"));
    assertEquals(Optional.empty(), problem(rig, "0000:03:00.0"));
    assertTrue(problem(rig, "0000:99:00.0").orElseThrow().contains("not a PCI function"));
    assertEquals(Optional.empty(), problem(rig, "rdma:rxe1"));
    assertTrue(problem(rig, "rdma:rxe1:2").orElseThrow().contains("rdma:rxe0:1, rdma:rxe1:1"));
    assertTrue(problem(rig, "rdma:mlx5_9").isPresent());
  }

  @Test
  void aReportWithoutNumaNodesHasNodeZeroForTheWholeMachine() {
    Host h = rig.host();
    Host flat = h.withNumaNodes(List.of());
    Report r = rig.withHost(flat);
    assertEquals(Optional.empty(), problem(r, "numa:0"));
    assertTrue(problem(r, "numa:1").isPresent());
  }

  /**
   * Many reports of random NUMA nodes and RDMA ports with random IPv4-mapped GIDs, and random
   * endpoints: a NUMA node or port is accepted exactly when the generated host has it, an address
   * always (whether a GID lists it or not).
   */
  @Test
  void randomReportsAcceptExactlyTheirOwnEndpoints() {
    Random rnd = new Random(20261208L);
    for (int round = 0; round < 300; round++) {
      Set<Integer> nodes = new HashSet<>();
      int nodeCount = 1 + rnd.nextInt(4);
      while (nodes.size() < nodeCount) {
        nodes.add(rnd.nextInt(8));
      }
      List<Host.NumaNode> numa = nodes.stream().map(n -> new Host.NumaNode(n, "")).toList();
      Host h = rig.host();
      Host host = h.withNumaNodes(numa);
      Set<String> addrs = new HashSet<>();
      Set<String> ports = new HashSet<>();
      List<RdmaDevice> rdma = new ArrayList<>();
      for (int d = rnd.nextInt(4); d > 0; d--) {
        String name = "mlx5_" + rnd.nextInt(6);
        if (!ports.add("rdma:" + name + ":1")) {
          continue;
        }
        int[] ip = {10, rnd.nextInt(3), rnd.nextInt(3), 1 + rnd.nextInt(3)};
        addrs.add("addr:" + ip[0] + "." + ip[1] + "." + ip[2] + "." + ip[3]);
        rdma.add(device(name, "Ethernet", List.of(), mapped(ip[0], ip[1], ip[2], ip[3])));
      }
      Report r =
          new Report(
              rig.schemaVersion(),
              rig.source(),
              host,
              rig.pci(),
              rdma,
              rig.net(),
              rig.nvme(),
              rig.gpus(),
              rig.nvlinks(),
              rig.diagnostics());
      for (int i = 0; i < 20; i++) {
        String e =
            switch (rnd.nextInt(3)) {
              case 0 -> "numa:" + rnd.nextInt(10);
              case 1 -> "rdma:mlx5_" + rnd.nextInt(8) + ":" + (1 + rnd.nextInt(2));
              default ->
                  "addr:"
                      + (rnd.nextBoolean() ? 10 : 8)
                      + "."
                      + rnd.nextInt(3)
                      + "."
                      + rnd.nextInt(3)
                      + "."
                      + (1 + rnd.nextInt(4));
            };
        boolean has =
            e.startsWith("numa:")
                ? nodes.contains(Integer.parseInt(e.substring(5)))
                : !e.startsWith("rdma:") || ports.contains(e);
        Optional<String> why = problem(r, e);
        assertEquals(
            has, why.isEmpty(), () -> e + " on " + nodes + " " + ports + " " + addrs + ": " + why);
        why.ifPresent(w -> assertTrue(w.startsWith(e + " is not "), w));
      }
    }
  }
}
