package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every pair's verdict codes in a form whose size grows by a few bytes per pair: the devices once,
 * each distinct verdict once, and per pair only the index of its verdict. A host of 1,000 devices
 * (499,500 pairs) has a few hundred distinct verdicts, so the JSON is about 2 MB where the full
 * {@link P2pMatrix} with hops and reasons is over 80 MB. The verdicts are {@link FastMatrix}'s
 * (equal to {@link P2pAnalyzer#pair}'s, see {@code FastMatrixTest}); reasons, hops and the
 * bottleneck's function are left to the per-pair explanation.
 *
 * @param devices the matrix devices, as {@link P2pAnalyzer#devices()}
 * @param verdicts the distinct verdicts, in order of first use
 * @param pairs for each unordered pair (i, j), i &lt; j, row by row — (0,1), (0,2), ..., (1,2), ...
 *     — the index of its verdict in {@code verdicts}; pair (i, j) is at {@link #index}
 */
public record CompactMatrix(List<Device> devices, List<Verdict> verdicts, int[] pairs) {

  /**
   * One pair's verdict codes.
   *
   * @param kernel the kernel's map type, distance and provisional flag
   * @param nvidia the {@code nvidia-smi topo -m} label
   * @param nvidiaPcie the {@code nvidia-smi topo -mp} label
   * @param nccl NCCL's path type and P2P/GDR decisions
   * @param driver the NVIDIA driver's answer for a GPU pair read with NVML, absent otherwise
   * @param bottleneck the slowest link's bandwidth, null when no link speed is known
   */
  public record Verdict(
      KernelVerdict kernel,
      SmiLabel nvidia,
      SmiLabel nvidiaPcie,
      NcclVerdict nccl,
      @JsonInclude(JsonInclude.Include.NON_NULL) DriverVerdict driver,
      Rate bottleneck) {}

  /**
   * A link bandwidth per direction.
   *
   * @param rawGBps GB/s after line encoding
   * @param usableGBps GB/s after TLP overhead (p2p-rules.md §5)
   */
  public record Rate(double rawGBps, double usableGBps) {}

  public CompactMatrix {
    devices = List.copyOf(devices);
    verdicts = List.copyOf(verdicts);
  }

  /** Computes every pair with the fast path. */
  public static CompactMatrix of(P2pAnalyzer analyzer) {
    FastMatrix fast = new FastMatrix(analyzer);
    int n = fast.devices().size();
    int[] pairs = new int[n * (n - 1) / 2];
    // Keyed by the cell the fast path made anyway (no second object per pair); cells that differ
    // only in the bottleneck's function fold into one verdict below.
    Map<FastMatrix.Cell, Integer> cellIds = new HashMap<>();
    List<FastMatrix.Cell> cells = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        FastMatrix.Cell c = fast.cell(i, j);
        Integer id = cellIds.get(c);
        if (id == null) {
          id = cells.size();
          cellIds.put(c, id);
          cells.add(c);
        }
        pairs[k++] = id;
      }
    }
    Map<Verdict, Integer> verdictIds = new HashMap<>();
    List<Verdict> verdicts = new ArrayList<>();
    int[] verdictOfCell = new int[cells.size()];
    for (int c = 0; c < verdictOfCell.length; c++) {
      Verdict v = of(cells.get(c));
      verdictOfCell[c] = verdictIds.computeIfAbsent(v, x -> verdicts.size());
      if (verdictOfCell[c] == verdicts.size()) {
        verdicts.add(v);
      }
    }
    for (int p = 0; p < pairs.length; p++) {
      pairs[p] = verdictOfCell[pairs[p]];
    }
    return new CompactMatrix(fast.devices(), verdicts, pairs);
  }

  /** The compact form of one pair's full verdict. */
  public static Verdict of(PairVerdict v) {
    return new Verdict(
        v.kernel(), v.nvidia(), v.nvidiaPcie(), v.nccl(), v.driver(), rate(v.bottleneck()));
  }

  private static Verdict of(FastMatrix.Cell c) {
    return new Verdict(
        c.kernel(), c.nvidia(), c.nvidiaPcie(), c.nccl(), c.driver(), rate(c.bottleneck()));
  }

  private static Rate rate(Bottleneck b) {
    return b == null ? null : new Rate(b.rawGBps(), b.usableGBps());
  }

  /** The position of pair (i, j), i &lt; j, in {@link #pairs} for {@code n} devices. */
  public static int index(int n, int i, int j) {
    return i * n - i * (i + 1) / 2 + (j - i - 1);
  }

  /** The verdict of devices i and j (indexes into {@link #devices}, i != j). */
  public Verdict verdict(int i, int j) {
    int n = devices.size();
    return verdicts.get(pairs[i < j ? index(n, i, j) : index(n, j, i)]);
  }
}
