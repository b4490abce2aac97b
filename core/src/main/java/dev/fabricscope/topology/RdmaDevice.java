package dev.fabricscope.topology;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * An RDMA device from {@code /sys/class/infiniband/<name>} (p2p-rules.md §6.3).
 *
 * @param name device name, e.g. {@code mlx5_0}, {@code rxe0}
 * @param pciFunction the PCI function its {@code device} link (or, for rxe, its parent netdev)
 *     leads to; null for devices not on PCI
 * @param provider hardware, software (rxe, siw) or rdmavt (hfi1, qib): only hardware can do P2P DMA
 *     (§2.6)
 * @param nodeGuid {@code node_guid}, {@code xxxx:xxxx:xxxx:xxxx}
 * @param sysImageGuid {@code sys_image_guid}
 * @param firmware {@code fw_ver}
 * @param nodeType {@code node_type}, e.g. {@code "1: CA"}
 * @param hcaType {@code hca_type}
 * @param boardId {@code board_id}
 * @param nodeDesc {@code node_desc}
 * @param parentNetdev rxe/siw: the netdev the device is bound to ({@code parent})
 * @param ports the ports, by number
 */
public record RdmaDevice(
    String name,
    String pciFunction,
    Provider provider,
    String nodeGuid,
    String sysImageGuid,
    String firmware,
    String nodeType,
    String hcaType,
    String boardId,
    String nodeDesc,
    String parentNetdev,
    List<Port> ports) {

  public RdmaDevice {
    ports = List.copyOf(ports);
  }

  /** Who moves the data: the HCA, the CPU (software), or rdmavt's kernel-side emulation. */
  public enum Provider {
    HARDWARE("hardware"),
    SOFTWARE("software"),
    RDMAVT("rdmavt");

    private final String json;

    Provider(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }

  /**
   * One port ({@code ports/<n>/}).
   *
   * @param port port number
   * @param state logical state name (ACTIVE, DOWN, ...), from {@code state} {@code "4: ACTIVE"}
   * @param stateCode the number before the colon
   * @param physState physical state name (LinkUp, Disabled, ...)
   * @param physStateCode the number before the colon
   * @param rateGbps {@code rate} in Gb/s
   * @param rate {@code rate} as the kernel printed it, e.g. {@code "100 Gb/sec (4X EDR)"}
   * @param linkLayer InfiniBand or Ethernet
   * @param lid {@code lid} (hex string)
   * @param smLid {@code sm_lid}: the LID of the subnet manager the port answers to (hex string),
   *     null when unknown (hwloc XML, NCCL XML and older agents do not carry it). LIDs are unique
   *     within one subnet only, so equal SM LIDs do not make ports one fabric, while different SM
   *     LIDs on one GID prefix do make them separate fabrics.
   * @param gids non-zero GIDs ({@code gids/<i>}), in index order
   * @param netdevs netdevs bound to the port's GIDs ({@code gid_attrs/ndevs/<i>}), distinct
   */
  public record Port(
      int port,
      String state,
      Integer stateCode,
      String physState,
      Integer physStateCode,
      Double rateGbps,
      String rate,
      String linkLayer,
      String lid,
      String smLid,
      List<String> gids,
      List<String> netdevs) {
    public Port {
      gids = List.copyOf(gids);
      netdevs = List.copyOf(netdevs);
    }
  }
}
