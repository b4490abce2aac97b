package dev.fabricscope.planner;

import dev.fabricscope.p2p.MapType;
import dev.fabricscope.p2p.SmiLabel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the planner chose for one GPU.
 *
 * @param gpu the GPU's BDF
 * @param cudaIndex its CUDA index in PCI bus order ({@code CUDA_DEVICE_ORDER=PCI_BUS_ID})
 * @param numaNode the NUMA node whose host memory the GPU is paired with (its own), null when
 *     unknown
 * @param nic the paired NIC's BDF, null when the host has none
 * @param rdma the NIC's RDMA device (mlx5_0), null when the report names none
 * @param port the RDMA port, null when unknown
 * @param nvme the paired NVMe controller's BDF, null when the host has none
 * @param nvidia nvidia-smi's label for GPU and NIC (PIX, PXB, PHB, NODE, SYS; ACS-blind)
 * @param kernel the kernel's P2PDMA map type for GPU and NIC (BUS_ADDR, THRU_HOST_BRIDGE,
 *     NOT_SUPPORTED; p2p-rules.md §2.3): whether GPUDirect RDMA can work at all
 * @param pathClass the class the pairing ranked by (the kernel's route)
 * @param env environment of the process driving this GPU: CUDA_VISIBLE_DEVICES, NCCL_IB_HCA,
 *     UCX_NET_DEVICES
 * @param attributes DRA-style device attributes of the GPU
 */
public record GpuPairing(
    String gpu,
    int cudaIndex,
    Integer numaNode,
    String nic,
    String rdma,
    Integer port,
    String nvme,
    SmiLabel nvidia,
    MapType kernel,
    PathClass pathClass,
    List<String> env,
    Attributes attributes) {

  public GpuPairing {
    env = List.copyOf(env);
  }

  /**
   * Device attributes as a DRA driver would publish them for the GPU (Kubernetes dynamic resource
   * allocation: a scheduler matches GPUs and NICs that share these).
   *
   * @param pcieRoot the root bus the GPU hangs below ({@code pci0000:16}), null when unknown
   * @param pcieSwitch the topmost switch above it, keyed by its upstream port BDF; null when none
   * @param nicPathClass per NIC (RDMA name, else BDF), the path class from this GPU, in PCI order:
   *     every NIC of a host with up to {@link #MAX_NICS}, else the {@link #MAX_NICS} closest
   *     (class, then PCI order)
   */
  public record Attributes(
      String pcieRoot, String pcieSwitch, Map<String, PathClass> nicPathClass) {

    /**
     * Most NICs in one GPU's {@code nicPathClass}: twice the most a real host has (the largest have
     * 16 GPUs and up to 32 NIC ports), so every real host lists them all, while a report of
     * thousands of NICs no longer makes this map GPUs × NICs entries in every answer.
     */
    public static final int MAX_NICS = 64;

    public Attributes {
      nicPathClass = Collections.unmodifiableMap(new LinkedHashMap<>(nicPathClass));
    }
  }
}
