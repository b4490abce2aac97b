package dev.fabricscope.p2p;

import dev.fabricscope.path.Path;

/**
 * Two matrix devices and the path between them, what a {@link PairRule} reads.
 *
 * @param a the first device
 * @param b the second device
 * @param path the path from a's function to b's, from the fabric's path model
 */
public record DevicePair(Device a, Device b, Path path) {

  /** The pair with its path from {@code fabric}'s one path model. */
  public static DevicePair of(Fabric fabric, Device a, Device b) {
    return new DevicePair(a, b, fabric.paths().path(a.bdf(), b.bdf()));
  }

  /** Whether both are one matrix entry (one function, and the same software RDMA device if any). */
  public boolean sameEntry() {
    return a.key().equals(b.key());
  }
}
