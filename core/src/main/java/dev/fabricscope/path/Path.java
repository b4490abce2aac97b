package dev.fabricscope.path;

import java.util.List;

/**
 * The PCIe path between two functions, built once per pair by {@link Paths} from the upstream
 * chains (p2p-rules.md §2.2–2.3, a VF walked as its PF).
 *
 * @param a the first function's BDF
 * @param b the second function's BDF
 * @param common the first bridge both chains share (the kernel's common upstream bridge), null when
 *     they meet only at or above the host bridge
 * @param distance the kernel's P2PDMA distance (§2.3): steps to the common bridge, or both chain
 *     lengths when there is none
 * @param hops the ports and host bridges from a to b as the tree has them
 * @param links the links of the tree path (ACS-blind, what nvidia-smi and NCCL assume): a's side
 *     from a upward, then b's side from b upward; links into a root port's or downstream port's
 *     internal bus are not links and are left out
 * @param route the links the traffic crosses, in travel order, as the kernel routes it: below the
 *     common bridge when it has one and no port redirects (§2.3 BUS_ADDR), else up to the root
 *     complex on a's side and down on b's
 * @param viaRootComplex whether the traffic climbs to the root complex
 * @param climbs why it climbs (empty when it does not)
 * @param meeting where the two chains meet and the facts of the ports between, as the rule sets
 *     read them (the same computation the all-pairs matrix makes for every pair)
 */
public record Path(
    String a,
    String b,
    String common,
    int distance,
    List<String> hops,
    List<PcieLink> links,
    List<Crossing> route,
    boolean viaRootComplex,
    List<Climb> climbs,
    Meeting meeting) {

  public Path {
    hops = List.copyOf(hops);
    links = List.copyOf(links);
    route = List.copyOf(route);
    climbs = List.copyOf(climbs);
  }

  /** Why a path climbs to the root complex. */
  public enum Climb {
    /** No bridge below the host bridge is common to both chains. */
    NO_COMMON_BRIDGE,
    /** A port the kernel checks has ACS P2P redirect on (§2.4): TLPs go up to the root port. */
    ACS_REDIRECT,
    /** The two functions hang below different root buses. */
    DIFFERENT_HOST_BRIDGES,
    /** Different NUMA nodes: the traffic crosses the inter-socket link. */
    DIFFERENT_SOCKETS
  }

  /** Which way data crosses a link: from its downstream end up, or from its upstream end down. */
  public enum Direction {
    UP,
    DOWN
  }

  /**
   * One link crossed in one direction.
   *
   * @param link the link
   * @param direction UP from a function toward the root, DOWN toward the function
   */
  public record Crossing(PcieLink link, Direction direction) {}
}
