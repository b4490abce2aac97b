package dev.fabricscope.p2p;

/**
 * NCCL's view of a pair (p2p-rules.md §4.2, §4.5, §4.6).
 *
 * @param path NCCL's path type (fabricscope gives LOC, NVL, PIX, PXB, PHB or SYS)
 * @param p2p GPU pairs: would NCCL use P2P by default; null for other pairs
 * @param gdr GPU-NIC pairs: would NCCL use GPUDirect RDMA by default; null for other pairs
 */
public record NcclVerdict(NcclPath path, Boolean p2p, Boolean gdr) {

  // every verdict is one of 3 x 3 per path type: shared instances, so an all-pairs matrix of
  // 500,000 pairs keeps no verdict object per pair alive (the survivors were what GC copied)
  private static final NcclVerdict[] SHARED = new NcclVerdict[NcclPath.values().length * 9];

  /** The shared verdict for these values (records compare by value, so sharing changes nothing). */
  public static NcclVerdict of(NcclPath path, Boolean p2p, Boolean gdr) {
    if (path == null) {
      return new NcclVerdict(null, p2p, gdr);
    }
    int i = path.ordinal() * 9 + tri(p2p) * 3 + tri(gdr);
    NcclVerdict v = SHARED[i];
    if (v == null) {
      v = new NcclVerdict(path, p2p, gdr);
      SHARED[i] = v;
    }
    return v;
  }

  private static int tri(Boolean b) {
    return b == null ? 0 : b ? 1 : 2;
  }
}
