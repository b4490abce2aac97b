package dev.fabricscope.topology;

/**
 * Access Control Services of a port (extended capability 0x000D, p2p-rules.md §3).
 *
 * @param state {@code "present"}, {@code "absent"} (config space readable, no ACS capability) or
 *     {@code "unknown"} (config space not readable beyond 64 bytes)
 * @param capability ACS Capability register bits
 * @param control ACS Control register bits (the "enable" sense)
 * @param egressVectorSize Egress Control Vector Size (0 in the register means 256)
 */
public record Acs(String state, Bits capability, Bits control, Integer egressVectorSize) {

  public static final String PRESENT = "present";
  public static final String ABSENT = "absent";
  public static final String UNKNOWN = "unknown";

  /** ACS unknown: config space beyond 64 bytes was not readable. */
  public static Acs unknown() {
    return new Acs(UNKNOWN, null, null, null);
  }

  /** Config space readable and without an ACS capability. */
  public static Acs absent() {
    return new Acs(ABSENT, null, null, null);
  }

  /**
   * Whether the kernel would treat this port as redirecting peer traffic upstream: ReqRedir,
   * CmpltRedir or EgressCtrl enabled (§2.4). Null when unknown.
   */
  public Boolean redirects() {
    if (UNKNOWN.equals(state)) {
      return null;
    }
    return control != null && (control.reqRedir() || control.cmpltRedir() || control.egressCtrl());
  }

  /**
   * The seven ACS bits, in lspci's order and naming.
   *
   * @param srcValid bit 0, source validation
   * @param transBlk bit 1, translation blocking
   * @param reqRedir bit 2, P2P request redirect
   * @param cmpltRedir bit 3, P2P completion redirect
   * @param upstreamFwd bit 4, upstream forwarding
   * @param egressCtrl bit 5, P2P egress control
   * @param directTrans bit 6, direct translated P2P
   */
  public record Bits(
      boolean srcValid,
      boolean transBlk,
      boolean reqRedir,
      boolean cmpltRedir,
      boolean upstreamFwd,
      boolean egressCtrl,
      boolean directTrans) {

    /** Decodes bits 0..6 of an ACS Capability or Control register. */
    public static Bits of(int reg) {
      return new Bits(
          (reg & 0x01) != 0,
          (reg & 0x02) != 0,
          (reg & 0x04) != 0,
          (reg & 0x08) != 0,
          (reg & 0x10) != 0,
          (reg & 0x20) != 0,
          (reg & 0x40) != 0);
    }
  }
}
