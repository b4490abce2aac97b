package dev.fabricscope.agent.bandwidth;

/**
 * Where the target side of a two-sided test listens, as it reported when ready.
 *
 * @param address IPv4 or IPv6 literal the source connects to
 * @param port TCP port of the listener (perftest's out-of-band port, iperf3's port)
 * @param gid the RDMA port's GID the target uses (RoCE), null for TCP or when the default applies
 * @param gidIndex the GID index on the target (perftest {@code -x}), null when not set
 */
public record Peer(String address, int port, String gid, Integer gidIndex) {}
