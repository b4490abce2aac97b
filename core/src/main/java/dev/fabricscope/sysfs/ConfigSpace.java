package dev.fabricscope.sysfs;

import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunction.Ats;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;

/**
 * Decodes a function's {@code config} file (p2p-rules.md §3 and §6.4): the standard capability list
 * (PCI Express capability 0x10) and the extended list from offset 0x100 (ACS 0x000D, ATS 0x000F).
 * All registers are little-endian. Without root only 64 bytes are readable: then nothing beyond the
 * header is known.
 *
 * @param length bytes readable
 * @param pcie the PCI Express capability, null when absent or beyond the readable bytes
 * @param acs ACS as found ({@link Acs#unknown()} when the extended space is not readable)
 * @param ats ATS when present, else null
 * @param secondaryBus a bridge's secondary bus (type 1 header, 0x19), null for other headers
 * @param subordinateBus a bridge's subordinate bus (0x1a), null for other headers
 */
public record ConfigSpace(
    int length, Pcie pcie, Acs acs, Ats ats, Integer secondaryBus, Integer subordinateBus) {

  private static final int CAP_PCIE = 0x10;
  private static final int EXT_ACS = 0x000d;
  private static final int EXT_ATS = 0x000f;

  /**
   * The PCI Express capability's registers that matter here.
   *
   * @param portType device/port type (caps bits 7:4)
   * @param mpsSupportedBytes DevCap bits 2:0 as bytes
   * @param mpsBytes DevCtl bits 7:5 as bytes
   * @param mrrsBytes DevCtl bits 14:12 as bytes
   * @param lnkCap LnkCap speed and width (null when the function has no link registers)
   * @param lnkSta LnkSta speed and width
   */
  public record Pcie(
      PortType portType,
      int mpsSupportedBytes,
      int mpsBytes,
      int mrrsBytes,
      LinkState lnkCap,
      LinkState lnkSta) {}

  /** Whether more than the 64-byte header was readable (root, or a gathered archive of root). */
  public boolean beyondHeader() {
    return length > 64;
  }

  /** Decodes config space bytes; never throws on short or malformed data. */
  public static ConfigSpace parse(byte[] c) {
    int len = c.length;
    // the bus numbers are in the header, readable without root (hwloc reads them there too)
    boolean type1 = len > 0x1a && (u8(c, 0x0e) & 0x7f) == 1;
    Integer secondary = type1 ? u8(c, 0x19) : null;
    Integer subordinate = type1 ? u8(c, 0x1a) : null;
    if (len <= 64) {
      return new ConfigSpace(len, null, Acs.unknown(), null, secondary, subordinate);
    }
    Pcie pcie = null;
    int status = u16(c, 0x06);
    int headerType = u8(c, 0x0e) & 0x7f;
    if ((status & 0x10) != 0) {
      int ptr = u8(c, headerType == 2 ? 0x14 : 0x34) & 0xfc;
      // a loop or a broken list ends after 48 capabilities (the 192 bytes above the header)
      for (int guard = 0; ptr >= 0x40 && ptr + 1 < len && guard < 48; guard++) {
        int id = u8(c, ptr);
        if (id == CAP_PCIE) {
          pcie = parsePcie(c, ptr);
          break;
        }
        ptr = u8(c, ptr + 1) & 0xfc;
      }
    }
    Acs acs = Acs.absent();
    Ats ats = null;
    if (len < 0x104) {
      // 256 bytes: the extended capability list (and so ACS) is not readable
      acs = pcie == null ? Acs.absent() : Acs.unknown();
    } else {
      int off = 0x100;
      for (int guard = 0; off >= 0x100 && off + 4 <= len && guard < 1024; guard++) {
        int header = s32(c, off);
        if (header == 0 || header == -1) {
          break;
        }
        int id = header & 0xffff;
        if (id == EXT_ACS && off + 8 <= len) {
          int cap = u16(c, off + 4);
          int ctl = u16(c, off + 6);
          int ecvs = (cap >> 8) & 0xff;
          boolean egressCapable = (cap & 0x20) != 0;
          acs =
              new Acs(
                  Acs.PRESENT,
                  Acs.Bits.of(cap),
                  Acs.Bits.of(ctl),
                  egressCapable ? (ecvs == 0 ? 256 : ecvs) : null);
        } else if (id == EXT_ATS && off + 8 <= len) {
          int ctl = u16(c, off + 6);
          ats = new Ats((ctl & 0x8000) != 0, ctl & 0x1f);
        }
        off = (header >>> 20) & 0xffc;
      }
    }
    return new ConfigSpace(len, pcie, acs, ats, secondary, subordinate);
  }

  private static Pcie parsePcie(byte[] c, int p) {
    if (p + 0x14 > c.length) {
      return null;
    }
    int caps = u16(c, p + 0x02);
    int type = (caps >> 4) & 0xf;
    int devCap = s32(c, p + 0x04);
    int devCtl = u16(c, p + 0x08);
    int mpsSup = 128 << (devCap & 0x7);
    int mps = 128 << ((devCtl >> 5) & 0x7);
    int mrrs = 128 << ((devCtl >> 12) & 0x7);
    int lnkCap = s32(c, p + 0x0c);
    int lnkSta = u16(c, p + 0x12);
    LinkState cap = null;
    LinkState sta = null;
    // RCiEPs and RC event collectors have no link registers worth reading
    if (type != 9 && type != 10 && lnkCap != 0) {
      cap = new LinkState(LinkSpeeds.fromRegister(lnkCap & 0xf), (lnkCap >> 4) & 0x3f);
      sta = new LinkState(LinkSpeeds.fromRegister(lnkSta & 0xf), (lnkSta >> 4) & 0x3f);
    }
    return new Pcie(PortType.fromPcieType(type), mpsSup, mps, mrrs, cap, sta);
  }

  private static int u8(byte[] c, int off) {
    return off < c.length ? c[off] & 0xff : 0;
  }

  private static int u16(byte[] c, int off) {
    return u8(c, off) | (u8(c, off + 1) << 8);
  }

  private static int s32(byte[] c, int off) {
    return u16(c, off) | (u16(c, off + 2) << 16);
  }
}
