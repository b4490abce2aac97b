package dev.fabricscope.p2p;

/**
 * NCCL's view of a pair (p2p-rules.md §4.2, §4.5, §4.6).
 *
 * @param path NCCL's path type (fabricscope gives LOC, NVL, PIX, PXB, PHB or SYS)
 * @param p2p GPU pairs: would NCCL use P2P by default; null for other pairs
 * @param gdr GPU-NIC pairs: would NCCL use GPUDirect RDMA by default; null for other pairs
 */
public record NcclVerdict(NcclPath path, Boolean p2p, Boolean gdr) {}
