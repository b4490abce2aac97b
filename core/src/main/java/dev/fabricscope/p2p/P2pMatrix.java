package dev.fabricscope.p2p;

import java.util.List;

/**
 * Verdicts for every pair of a host's devices (the fixed JSON of {@code topo --format json}).
 *
 * @param devices GPUs, NICs/HCAs (and software RDMA devices on them), NVMe and accelerators
 * @param pairs one verdict per unordered pair, in device order
 */
public record P2pMatrix(List<Device> devices, List<PairVerdict> pairs) {
  public P2pMatrix {
    devices = List.copyOf(devices);
    pairs = List.copyOf(pairs);
  }
}
