package dev.fabricscope.p2p;

/**
 * One reason behind a verdict.
 *
 * @param code stable identifier (see the constants), for tools and tests
 * @param message a sentence a person understands
 * @param fix what to change, or null when nothing can be changed
 */
public record Reason(String code, String message, String fix) {

  public static final String SAME_DEVICE = "SAME_DEVICE";
  public static final String COMMON_BRIDGE = "COMMON_BRIDGE";
  public static final String ACS_REDIRECT = "ACS_REDIRECT";
  public static final String ACS_UNKNOWN = "ACS_UNKNOWN";
  public static final String NO_COMMON_BRIDGE = "NO_COMMON_BRIDGE";
  public static final String AMD_ZEN_HOST_BRIDGE = "AMD_ZEN_HOST_BRIDGE";
  public static final String HOST_BRIDGE_ALLOWED = "HOST_BRIDGE_ALLOWED";
  public static final String HOST_BRIDGE_NOT_ALLOWED = "HOST_BRIDGE_NOT_ALLOWED";
  public static final String HOST_BRIDGE_SAME_ONLY = "HOST_BRIDGE_SAME_ONLY";
  public static final String HOST_BRIDGE_UNKNOWN = "HOST_BRIDGE_UNKNOWN";
  public static final String CPU_UNKNOWN = "CPU_UNKNOWN";
  public static final String CROSS_SOCKET = "CROSS_SOCKET";
  public static final String SOFTWARE_RDMA = "SOFTWARE_RDMA";
  public static final String RDMAVT_RDMA = "RDMAVT_RDMA";
  public static final String VF_AS_PF = "VF_AS_PF";
  public static final String NCCL_P2P_OFF = "NCCL_P2P_OFF";
  public static final String NCCL_GDR_OFF = "NCCL_GDR_OFF";
  public static final String NCCL_AMD_TWO_GPUS = "NCCL_AMD_TWO_GPUS";
  public static final String ACS_BLIND_TOOLS = "ACS_BLIND_TOOLS";
  public static final String LINK_DOWNTRAINED = "LINK_DOWNTRAINED";
  public static final String LINK_SPEED_BELOW_CAPABLE = "LINK_SPEED_BELOW_CAPABLE";
  public static final String NVLINK = "NVLINK";
  public static final String DRIVER_DISAGREES = "DRIVER_DISAGREES";
}
