package dev.fabricscope.config;

import io.smallrye.config.WithDefault;

/** {@code fabricscope.bandwidth.efficiency.*}, each in (0, 1]; sources in {@code Efficiencies}. */
public interface BandwidthEfficiency {
  /** Host-device copies over PCIe, of the link's raw rate per direction. */
  @WithDefault("0.88")
  double gpuCopy();

  /** Bidirectional host-device copies, per direction. */
  @WithDefault("0.73")
  double gpuBidir();

  /** GPU peer copies over PCIe. */
  @WithDefault("0.80")
  double gpuPeerPcie();

  /** GPU peer copies per NVLink (25 GB/s per link and direction when unknown). */
  @WithDefault("0.84")
  double nvlink();

  /** RDMA, of the port's line rate / 8. */
  @WithDefault("0.95")
  double nicLine();

  /** TCP, of the interface speed / 8. */
  @WithDefault("0.94")
  double tcpLine();

  /** NVMe reads into host memory, of the path's raw rate (DMA writes, as GPU D2H copies). */
  @WithDefault("0.88")
  double nvmeRead();
}
