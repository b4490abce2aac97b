package dev.fabricscope.exporter;

import java.util.BitSet;
import java.util.Locale;

/** CPU masks and link arithmetic both exporters need. */
final class ExportSupport {

  private ExportSupport() {}

  /**
   * A mask as comma-separated 32-bit words, most significant first. With {@code prefix}, as hwloc
   * writes it ({@code hwloc_bitmap_snprintf}): {@code 0x000000ff,0xffff0000}, a zero word between
   * the highest and the lowest left empty and a zero lowest word written {@code 0x0} ({@code
   * 0x00000001,,0x0} is CPU 64 alone); so a one-CPU mask costs a character, not eleven, per word
   * below it, and the objects of N CPUs cost about N²/64 characters each, not 11 N²/32 (eleventh
   * security review). Without, as NCCL writes it: every word in full, {@code 000000ff,ffff0000}.
   */
  static String mask(BitSet set, boolean prefix) {
    return mask(set, prefix, 1);
  }

  /**
   * {@link #mask(BitSet, boolean)} with at least {@code minWords} words; hwloc's form ({@code
   * prefix}) never has leading zero words, so it ignores {@code minWords}.
   */
  static String mask(BitSet set, boolean prefix, int minWords) {
    int words = (int) Math.max(prefix ? 1 : minWords, (set.length() + 31L) / 32);
    StringBuilder sb = new StringBuilder();
    for (int w = words - 1; w >= 0; w--) {
      long v = 0;
      for (int b = 0; b < 32; b++) {
        if (set.get(w * 32 + b)) {
          v |= 1L << b;
        }
      }
      if (w < words - 1) {
        sb.append(',');
      }
      if (!prefix) {
        hex8(sb, v);
      } else if (v != 0) {
        hex8(sb.append("0x"), v);
      } else if (w == 0) {
        sb.append("0x0");
      }
    }
    return sb.toString();
  }

  /** {@code v}'s low 32 bits as eight lower-case hex digits ({@code %08x} without a formatter). */
  private static void hex8(StringBuilder sb, long v) {
    for (int shift = 28; shift >= 0; shift -= 4) {
      sb.append(Character.forDigit((int) (v >>> shift) & 0xf, 16));
    }
  }

  /** The kernel's ≥ 5.7 string: {@code 2.5 GT/s PCIe}, {@code 16.0 GT/s PCIe} (§5.1). */
  static String speedString(Double gts) {
    return gts == null ? "" : String.format(Locale.ROOT, "%.1f GT/s PCIe", gts);
  }
}
