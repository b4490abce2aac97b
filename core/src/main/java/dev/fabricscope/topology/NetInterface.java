package dev.fabricscope.topology;

/**
 * A network interface from {@code /sys/class/net/<name>}.
 *
 * @param name interface name
 * @param pciFunction the PCI function of its {@code device} link, null for virtual interfaces
 * @param speedMbps {@code speed} in Mb/s; null when unknown or the link is down
 * @param operstate {@code operstate} (up, down, unknown...)
 * @param mtu {@code mtu}
 * @param address {@code address} (MAC)
 */
public record NetInterface(
    String name,
    String pciFunction,
    Integer speedMbps,
    String operstate,
    Integer mtu,
    String address) {}
