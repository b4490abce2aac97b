package dev.fabricscope.p2p;

/**
 * The fast path's {@link FastMatrix.Cell}s, one instance per distinct combination. Every part of a
 * fast-path cell is already a shared instance (kernel verdicts per map type and distance, the
 * nvidia-smi labels, {@link NcclVerdict#of}, one bottleneck per link), so a host of 1,000 endpoints
 * has a few hundred distinct cells among its 499,500 pairs. Keeping one cell per pair alive made
 * the garbage collector copy some 20 MB per matrix; sharing them leaves only the array.
 *
 * <p>An open-addressing table compared by identity: no key object, no {@code equals} calls.
 */
final class SharedCells {

  private FastMatrix.Cell[] table = new FastMatrix.Cell[256];
  private int size;

  /** The shared cell of these parts (nvidia-smi's label and its PCIe-only label are the same). */
  FastMatrix.Cell of(KernelVerdict k, SmiLabel label, NcclVerdict n, Bottleneck bn) {
    int h = hash(k, label, n, bn);
    int mask = table.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      FastMatrix.Cell c = table[i];
      if (c == null) {
        c = new FastMatrix.Cell(k, label, label, n, null, bn);
        table[i] = c;
        if (++size * 2 > table.length) {
          grow();
        }
        return c;
      }
      if (c.kernel() == k && c.nvidia() == label && c.nccl() == n && c.bottleneck() == bn) {
        return c;
      }
    }
  }

  private static int hash(Object k, Object label, Object n, Object bn) {
    int h = System.identityHashCode(k);
    h = h * 31 + System.identityHashCode(label);
    h = h * 31 + System.identityHashCode(n);
    h = h * 31 + System.identityHashCode(bn);
    return h ^ (h >>> 16);
  }

  private void grow() {
    FastMatrix.Cell[] old = table;
    table = new FastMatrix.Cell[old.length * 2];
    int mask = table.length - 1;
    for (FastMatrix.Cell c : old) {
      if (c != null) {
        int i = hash(c.kernel(), c.nvidia(), c.nccl(), c.bottleneck()) & mask;
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = c;
      }
    }
  }
}
