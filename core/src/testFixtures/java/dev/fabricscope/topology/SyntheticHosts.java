package dev.fabricscope.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic hosts for benchmarks and load tests (hwloc's synthetic topologies in spirit): endpoints
 * under two levels of PCIe switches, one host bridge per root port (as on Sky Lake-SP and later
 * stacks), two sockets. Every function is complete and deterministic. A test fixture: compiled into
 * the test trees and the JMH benchmarks, and beside the ingest and /p2p benchmarks, never shipped.
 */
public final class SyntheticHosts {

  private static final int PER_LEVEL = 8;

  private SyntheticHosts() {}

  /**
   * A host with {@code endpoints} GPUs, NICs and NVMe (in turn), 64 below each root port: root port
   * → switch (8 downstream ports) → switch (8 downstream ports) → endpoint. Root ports with an odd
   * index have ACS redirect on their second-level downstream ports (an IOMMU host).
   */
  public static Report nestedSwitches(String name, int endpoints) {
    List<PciFunction> pci = new ArrayList<>();
    List<Gpu> gpus = new ArrayList<>();
    int rootPorts = (endpoints + PER_LEVEL * PER_LEVEL - 1) / (PER_LEVEL * PER_LEVEL);
    int made = 0;
    for (int rp = 0; rp < rootPorts; rp++) {
      String domain = String.format("%04x", rp);
      String hb = "pci" + domain + ":00";
      int numa = rp < (rootPorts + 1) / 2 ? 0 : 1;
      String rpBdf = domain + ":00:00.0";
      pci.add(
          fn(
              rpBdf,
              null,
              hb,
              "0x8086",
              "0x2030",
              "0x060400",
              DeviceKind.BRIDGE,
              PortType.ROOT_PORT,
              numa,
              false));
      int bus = 1;
      String usp1 = bdf(domain, bus++, 0, 0);
      pci.add(
          fn(
              usp1,
              rpBdf,
              hb,
              "0x10b5",
              "0x9797",
              "0x060400",
              DeviceKind.SWITCH_PORT,
              PortType.SWITCH_UPSTREAM,
              numa,
              false));
      int dsp1Bus = bus++;
      for (int d1 = 0; d1 < PER_LEVEL && made < endpoints; d1++) {
        String dsp1 = bdf(domain, dsp1Bus, d1, 0);
        pci.add(
            fn(
                dsp1,
                usp1,
                hb,
                "0x10b5",
                "0x9797",
                "0x060400",
                DeviceKind.SWITCH_PORT,
                PortType.SWITCH_DOWNSTREAM,
                numa,
                false));
        String usp2 = bdf(domain, bus++, 0, 0);
        pci.add(
            fn(
                usp2,
                dsp1,
                hb,
                "0x10b5",
                "0x9797",
                "0x060400",
                DeviceKind.SWITCH_PORT,
                PortType.SWITCH_UPSTREAM,
                numa,
                false));
        int dsp2Bus = bus++;
        for (int d2 = 0; d2 < PER_LEVEL && made < endpoints; d2++, made++) {
          String dsp2 = bdf(domain, dsp2Bus, d2, 0);
          pci.add(
              fn(
                  dsp2,
                  usp2,
                  hb,
                  "0x10b5",
                  "0x9797",
                  "0x060400",
                  DeviceKind.SWITCH_PORT,
                  PortType.SWITCH_DOWNSTREAM,
                  numa,
                  rp % 2 == 1));
          String ep = bdf(domain, bus++, 0, 0);
          switch (made % 3) {
            case 0 -> {
              pci.add(
                  fn(
                      ep,
                      dsp2,
                      hb,
                      "0x10de",
                      "0x2330",
                      "0x030200",
                      DeviceKind.GPU,
                      PortType.ENDPOINT,
                      numa,
                      false));
              gpus.add(
                  new Gpu(ep, "NVIDIA Corporation", "GH100 [H100 SXM5 80GB]", "nvidia", numa, 90));
            }
            case 1 ->
                pci.add(
                    fn(
                        ep,
                        dsp2,
                        hb,
                        "0x15b3",
                        "0x1021",
                        "0x020700",
                        DeviceKind.RDMA,
                        PortType.ENDPOINT,
                        numa,
                        false));
            default ->
                pci.add(
                    fn(
                        ep,
                        dsp2,
                        hb,
                        "0x144d",
                        "0xa80a",
                        "0x010802",
                        DeviceKind.NVME,
                        PortType.ENDPOINT,
                        numa,
                        false));
          }
        }
      }
    }
    Host host =
        new Host(
            name,
            "6.12.0",
            "",
            "x86_64",
            new Host.Cpu("GenuineIntel", 6, 143, "Synthetic Xeon", 128),
            List.of(new Host.NumaNode(0, "0-63"), new Host.NumaNode(1, "64-127")));
    return new Report(
        Report.SCHEMA_VERSION,
        "synthetic",
        host,
        pci,
        List.of(),
        List.of(),
        List.of(),
        gpus,
        List.of(),
        List.of());
  }

  private static String bdf(String domain, int bus, int dev, int fn) {
    return String.format("%s:%02x:%02x.%d", domain, bus, dev, fn);
  }

  /**
   * An enabled function on a Gen4 x16 link, ACS capable (redirect on when {@code redirect}). One
   * copy for both generators: {@link NvmlHostParts} builds its functions here too, and the bench
   * scripts that compile this file alone still can (it needs nothing of the fixtures).
   */
  static PciFunction fn(
      String bdf,
      String parent,
      String hb,
      String vendor,
      String device,
      String cls,
      DeviceKind kind,
      PortType type,
      Integer numa,
      boolean redirect) {
    return fn(bdf, parent, hb, vendor, device, cls, kind, type, numa, redirect, null);
  }

  /** {@link #fn} with the link trained at {@code current} (null: Gen4 x16, as capable). */
  static PciFunction fn(
      String bdf,
      String parent,
      String hb,
      String vendor,
      String device,
      String cls,
      DeviceKind kind,
      PortType type,
      Integer numa,
      boolean redirect,
      PciLink.LinkState current) {
    Acs acs = new Acs(Acs.PRESENT, Acs.Bits.of(0x5f), Acs.Bits.of(redirect ? 0x1d : 0), null);
    PciLink.LinkState gen4x16 = new PciLink.LinkState(16.0, 16);
    PciLink.LinkState now = current == null ? gen4x16 : current;
    PciLink link =
        new PciLink(
            now,
            gen4x16,
            gen4x16,
            now,
            parent == null ? null : new PciLink.Upstream(parent, now, gen4x16),
            null);
    return new PciFunction(
        bdf,
        parent,
        hb,
        vendor,
        device,
        "0x0000",
        "0x0000",
        cls,
        "0x00",
        null,
        null,
        kind,
        type,
        PciFunction.FROM_CONFIG,
        null,
        numa,
        null,
        null,
        null,
        null,
        link,
        acs,
        new PciFunction.ConfigInfo(4096, true, 256, 512, 512, null));
  }
}
