package dev.fabricscope.planner;

/**
 * One end of a flow.
 *
 * @param type a PCI device, host memory of a NUMA node, or the network through a NIC port
 * @param bdf the device's BDF (DEVICE), or the NIC's (NETWORK); null for HOST_MEMORY
 * @param numaNode the node (HOST_MEMORY), else null
 * @param rdma the RDMA device name (NETWORK), null for a NIC the report knows only by BDF
 * @param port the RDMA port number (NETWORK), else null
 */
public record FlowEnd(Type type, String bdf, Integer numaNode, String rdma, Integer port) {

  /** What a flow end is. */
  public enum Type {
    DEVICE,
    HOST_MEMORY,
    NETWORK
  }

  public FlowEnd {
    if (type == null || (type == Type.HOST_MEMORY ? numaNode == null : bdf == null)) {
      throw new IllegalArgumentException("a flow end needs a BDF, or a NUMA node for memory");
    }
  }

  public static FlowEnd device(String bdf) {
    return new FlowEnd(Type.DEVICE, bdf, null, null, null);
  }

  public static FlowEnd memory(int numaNode) {
    return new FlowEnd(Type.HOST_MEMORY, null, numaNode, null, null);
  }

  public static FlowEnd network(String nicBdf, String rdma, Integer port) {
    return new FlowEnd(Type.NETWORK, nicBdf, null, rdma, port);
  }

  /**
   * How results name it: the BDF for a device, {@code memory:N}, {@code network:BDF} or {@code
   * network:BDF/PORT}.
   */
  public String label() {
    return switch (type) {
      case DEVICE -> bdf;
      case HOST_MEMORY -> "memory:" + numaNode;
      case NETWORK -> "network:" + bdf + (port == null ? "" : "/" + port);
    };
  }

  /**
   * The end a label names (the inverse of {@link #label()}; {@code network:BDF/PORT} keeps no RDMA
   * name, the planner finds it).
   *
   * @throws IllegalArgumentException when the text is none of the forms
   */
  public static FlowEnd parse(String text) {
    if (text.startsWith("memory:")) {
      return memory(Integer.parseInt(text.substring(7)));
    }
    if (text.startsWith("network:")) {
      String rest = text.substring(8);
      int slash = rest.indexOf('/');
      return slash < 0
          ? network(rest, null, null)
          : network(rest.substring(0, slash), null, Integer.parseInt(rest.substring(slash + 1)));
    }
    if (!text.matches("[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]")) {
      throw new IllegalArgumentException("not a BDF, memory:N or network:BDF[/PORT]: " + text);
    }
    return device(text);
  }
}
