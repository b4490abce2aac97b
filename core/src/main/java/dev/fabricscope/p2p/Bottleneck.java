package dev.fabricscope.p2p;

/**
 * The slowest link on a path (p2p-rules.md §5.2 step 4).
 *
 * @param bdf the function whose upstream link it is
 * @param rawGBps bandwidth per direction after line encoding, at the link's current speed/width
 * @param usableGBps the planner's estimate after TLP overhead (§5)
 */
public record Bottleneck(String bdf, double rawGBps, double usableGBps) {}
