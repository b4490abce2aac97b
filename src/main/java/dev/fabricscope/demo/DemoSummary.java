package dev.fabricscope.demo;

import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.Report;

/**
 * One line of the demo report list: who the host is and how much of each kind of device its report
 * holds.
 *
 * @param name demo name (the archive's file name without {@code .tar.gz}/{@code .tar.bz2})
 * @param hostName host name from the report, null when the archive did not record one
 * @param cpu CPU model name (or vendor when the model is unknown), null when unknown
 * @param pciFunctions number of PCI functions
 * @param gpus number of GPUs
 * @param rdmaDevices number of RDMA devices
 * @param nvme number of NVMe controllers
 * @param diagnostics number of diagnostics (things discovery could not read)
 */
public record DemoSummary(
    String name,
    String hostName,
    String cpu,
    int pciFunctions,
    int gpus,
    int rdmaDevices,
    int nvme,
    int diagnostics) {

  /** Summarises one report. */
  public static DemoSummary of(String name, Report report) {
    Host host = report.host();
    return new DemoSummary(
        name,
        host == null ? null : host.name(),
        host == null ? null : cpuText(host.cpu()),
        report.pci().size(),
        report.gpus().size(),
        report.rdma().size(),
        report.nvme().size(),
        report.diagnostics().size());
  }

  private static String cpuText(Host.Cpu cpu) {
    if (cpu == null) {
      return null;
    }
    // POWER and some VMs have no model name; the vendor still tells the reader something.
    return cpu.modelName() != null ? cpu.modelName() : cpu.vendor();
  }
}
