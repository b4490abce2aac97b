package dev.fabricscope.topology;

/**
 * A bonded set of NVLinks between two devices (nvidia-smi's {@code NV#}, p2p-rules.md §4.1).
 *
 * @param a a GPU's BDF
 * @param b the peer: another GPU or an NVSwitch, by BDF
 * @param count number of links in the bond
 * @param bandwidthGBps total bandwidth per direction in GB/s as the source reported it (hwloc's
 *     NVLinkBandwidth is MB/s, converted), null when unknown
 */
public record NvLink(String a, String b, int count, Double bandwidthGBps) {}
