package dev.fabricscope.topology;

/**
 * The driver's peer-to-peer answers for a GPU pair ({@code nvmlDeviceGetP2PStatus} per capability,
 * {@code nvmlDeviceGetTopologyCommonAncestor}). Statuses are {@code ok}, {@code
 * chipset-not-supported}, {@code gpu-not-supported}, {@code ioh-topology-not-supported}, {@code
 * disabled-by-regkey}, {@code not-supported} or {@code unknown} ({@code nvmlGpuP2PStatus_t}); null
 * when the call itself failed.
 *
 * @param peer the other GPU's BDF
 * @param read P2P reads
 * @param write P2P writes
 * @param nvlink P2P over NVLink
 * @param atomics P2P atomics
 * @param commonAncestor where their paths meet: {@code internal} (same board), {@code single} (one
 *     PCIe switch), {@code multiple} (several switches), {@code hostbridge}, {@code node} (same
 *     NUMA node, across host bridges) or {@code system} (across NUMA nodes) — the levels behind
 *     nvidia-smi's PIX/PXB/PHB/NODE/SYS (p2p-rules.md §4.1)
 */
public record NvmlPeer(
    String peer, String read, String write, String nvlink, String atomics, String commonAncestor) {}
