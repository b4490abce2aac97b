package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sharing cells and NCCL verdicts changes no value: equal parts give one instance, others not. */
class SharedCellsTest {

  @Test
  void equalPartsGiveOneCellAndOtherPartsAnother() {
    SharedCells cells = new SharedCells();
    KernelVerdict k = new KernelVerdict(MapType.BUS_ADDR, 2, false);
    Bottleneck bn = new Bottleneck("0000:01:00.0", 31.5, 27.7);
    NcclVerdict n = NcclVerdict.of(NcclPath.PIX, true, null);
    FastMatrix.Cell a = cells.of(k, SmiLabel.PIX, n, bn);
    assertSame(a, cells.of(k, SmiLabel.PIX, n, bn));
    assertEquals(new FastMatrix.Cell(k, SmiLabel.PIX, SmiLabel.PIX, n, null, bn), a);
    assertNotSame(a, cells.of(k, SmiLabel.PXB, n, bn));
    // an equal but distinct bottleneck is another key: parts are shared instances, compared by
    // identity, and an unshared one only costs a cell
    FastMatrix.Cell other =
        cells.of(k, SmiLabel.PIX, n, new Bottleneck("0000:01:00.0", 31.5, 27.7));
    assertEquals(a, other);
  }

  @Test
  void thousandsOfCombinationsKeepTheirPartsThroughGrowth() {
    SharedCells cells = new SharedCells();
    List<Object[]> parts = new ArrayList<>();
    List<FastMatrix.Cell> first = new ArrayList<>();
    for (MapType t : MapType.values()) {
      for (int d = 0; d < 40; d++) {
        for (NcclPath p : NcclPath.values()) {
          for (Boolean p2p : new Boolean[] {null, true, false}) {
            KernelVerdict k = new KernelVerdict(t, d, d % 3 == 0);
            NcclVerdict n = NcclVerdict.of(p, p2p, null);
            Bottleneck bn = new Bottleneck("b" + d, d, d / 2.0);
            SmiLabel s = d % 2 == 0 ? SmiLabel.PXB : SmiLabel.SYS;
            parts.add(new Object[] {k, s, n, bn});
            first.add(cells.of(k, s, n, bn));
          }
        }
      }
    }
    for (int i = 0; i < parts.size(); i++) {
      Object[] p = parts.get(i);
      FastMatrix.Cell c =
          cells.of((KernelVerdict) p[0], (SmiLabel) p[1], (NcclVerdict) p[2], (Bottleneck) p[3]);
      assertSame(first.get(i), c, "combination " + i);
      assertSame(p[0], c.kernel());
      assertSame(p[1], c.nvidiaPcie());
      assertSame(p[2], c.nccl());
      assertSame(p[3], c.bottleneck());
    }
  }

  @Test
  void ncclVerdictsAreSharedPerValue() {
    for (NcclPath p : NcclPath.values()) {
      for (Boolean p2p : new Boolean[] {null, true, false}) {
        for (Boolean gdr : new Boolean[] {null, true, false}) {
          NcclVerdict v = NcclVerdict.of(p, p2p, gdr);
          assertSame(v, NcclVerdict.of(p, p2p, gdr));
          assertEquals(new NcclVerdict(p, p2p, gdr), v);
        }
      }
    }
  }
}
