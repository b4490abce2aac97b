package dev.fabricscope.p2p;

/**
 * The Linux kernel's P2PDMA answer for a pair (p2p-rules.md §2.1, §2.3).
 *
 * @param mapType BUS_ADDR (stays below a common bridge), THRU_HOST_BRIDGE (through an allowed host
 *     bridge) or NOT_SUPPORTED
 * @param distance the kernel's distance: ports counted from each device up to the common bridge
 *     (same switch = 4), or both chains' lengths when there is none
 * @param provisional true when an input was unknown (ACS not readable, root-bus representative
 *     missing) and the verdict rests on an assumption named in the reasons
 */
public record KernelVerdict(MapType mapType, int distance, boolean provisional) {}
