package dev.fabricscope.topology;

/**
 * A bonded set of NVLinks between two devices (nvidia-smi's {@code NV#}, p2p-rules.md §4.1).
 *
 * @param a a GPU's BDF
 * @param b the peer: another GPU or an NVSwitch, by BDF
 * @param count number of links in the bond, 1 to {@link #MAX_COUNT}
 * @param bandwidthGBps total bandwidth per direction in GB/s as the source reported it (hwloc's
 *     NVLinkBandwidth is MB/s, converted), null when unknown
 */
public record NvLink(String a, String b, int count, Double bandwidthGBps) {

  /**
   * Most links in one bond, as the report schema bounds them: a bond is at most all of a GPU's
   * NVLinks, 18 on an H100, H200 or B200 (NVIDIA's datasheets).
   */
  public static final int MAX_COUNT = 64;
}
