package dev.fabricscope.topology;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One host's fabric as discovered or imported: report JSON schema version {@value #SCHEMA_VERSION}.
 * The top-level names are fixed; tools outside the project read them.
 *
 * @param schemaVersion always {@value #SCHEMA_VERSION} for this model
 * @param source where the data came from (sysfs discovery or an importer)
 * @param host the machine: name, kernel, CPU, NUMA nodes
 * @param pci every PCI function, sorted by BDF
 * @param rdma RDMA devices from {@code /sys/class/infiniband}
 * @param net network interfaces from {@code /sys/class/net}
 * @param nvme NVMe controllers from {@code /sys/class/nvme}
 * @param gpus GPUs (display/3D controllers), derived from {@code pci}
 * @param nvlinks NVLink connections (GPU to GPU or GPU to NVSwitch), where the source knows them
 * @param diagnostics everything that could not be read, with path and reason
 */
@JsonPropertyOrder({
  "schemaVersion",
  "source",
  "host",
  "pci",
  "rdma",
  "net",
  "nvme",
  "gpus",
  "nvlinks",
  "diagnostics"
})
public record Report(
    int schemaVersion,
    String source,
    Host host,
    List<PciFunction> pci,
    List<RdmaDevice> rdma,
    List<NetInterface> net,
    List<NvmeController> nvme,
    List<Gpu> gpus,
    List<NvLink> nvlinks,
    List<Diagnostic> diagnostics) {

  /** The report JSON schema version this model writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  public Report {
    pci = List.copyOf(pci);
    rdma = List.copyOf(rdma);
    net = List.copyOf(net);
    nvme = List.copyOf(nvme);
    gpus = List.copyOf(gpus);
    nvlinks = nvlinks == null ? List.of() : List.copyOf(nvlinks);
    diagnostics = List.copyOf(diagnostics);
  }

  /** A copy with these GPUs (the same functions, with what another source says of them). */
  public Report withGpus(List<Gpu> newGpus) {
    return new Report(
        schemaVersion, source, host, pci, rdma, net, nvme, newGpus, nvlinks, diagnostics);
  }

  /** A copy whose host carries this name (imports of formats that do not name their host). */
  public Report withHostName(String name) {
    return withHost(
        host == null ? new Host(name, null, null, null, null, List.of()) : host.withName(name));
  }

  /** A copy with this host (its CPUs, NUMA nodes and packages); the devices stay. */
  public Report withHost(Host newHost) {
    return new Report(
        schemaVersion, source, newHost, pci, rdma, net, nvme, gpus, nvlinks, diagnostics);
  }

  /** A copy with these PCI functions; the devices on them stay. */
  public Report withPci(List<PciFunction> newPci) {
    return new Report(
        schemaVersion, source, host, newPci, rdma, net, nvme, gpus, nvlinks, diagnostics);
  }
}
