package dev.fabricscope.bandwidth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The bandwidth tests fabricscope runs, named as on the command line ({@code --kind}) and in the
 * API. Each names what it moves and which helper moves it; GB/s are always 10^9 bytes moved per
 * second, as mbw and nvbandwidth count them.
 */
public enum BandwidthKind {
  /**
   * Host memory copy from a buffer on the source NUMA node to one on the target node (C helper).
   */
  HOST_MEMCPY("host-memcpy", Side.ONE_HOST),
  /** Host to GPU copy through the copy engine, CUDA driver API ({@code cuMemcpyHtoDAsync}). */
  GPU_H2D("gpu-h2d", Side.ONE_HOST),
  /** GPU to host copy through the copy engine ({@code cuMemcpyDtoHAsync}). */
  GPU_D2H("gpu-d2h", Side.ONE_HOST),
  /** Both directions at once on two streams; the measured value is the sum of both. */
  GPU_BIDIR("gpu-bidir", Side.ONE_HOST),
  /** Device-to-device copy within one GPU's memory. */
  GPU_D2D("gpu-d2d", Side.ONE_HOST),
  /** GPU to GPU peer copy ({@code cuMemcpyPeerAsync}) where the driver allows peer access. */
  GPU_P2P("gpu-p2p", Side.ONE_HOST),
  /** RDMA write between two ports, perftest {@code ib_write_bw}. */
  RDMA_WRITE("rdma-write", Side.TWO_SIDES),
  /** RDMA read between two ports, perftest {@code ib_read_bw}. */
  RDMA_READ("rdma-read", Side.TWO_SIDES),
  /** RDMA send between two ports, perftest {@code ib_send_bw}. */
  RDMA_SEND("rdma-send", Side.TWO_SIDES),
  /** TCP stream between two hosts (or namespaces), iperf3 {@code -J}. */
  TCP("tcp", Side.TWO_SIDES),
  /**
   * Sequential {@code O_DIRECT} reads of an NVMe controller's first namespace into a buffer bound
   * to the target NUMA node (C helper): the controller writes host memory by DMA.
   */
  NVME_READ("nvme-read", Side.ONE_HOST);

  /** Whether a test needs a listener on the target side before the source side runs. */
  public enum Side {
    ONE_HOST,
    TWO_SIDES
  }

  private final String json;
  private final Side side;

  BandwidthKind(String json, Side side) {
    this.json = json;
    this.side = side;
  }

  @JsonValue
  public String json() {
    return json;
  }

  /** Whether the target side runs a listener (perftest server, iperf3 server). */
  public boolean twoSided() {
    return side == Side.TWO_SIDES;
  }

  /** Whether the test moves data through a GPU (CUDA driver API). */
  public boolean gpu() {
    return json.startsWith("gpu-");
  }

  /** Whether the test is an RDMA one (perftest). */
  public boolean rdma() {
    return json.startsWith("rdma-");
  }

  /**
   * Whether a test of this kind may carry concurrent flows ({@link BandwidthSpec#concurrent()}).
   */
  public boolean concurrentFlows() {
    return this == NVME_READ || this == HOST_MEMCPY;
  }

  /**
   * The kind for its name.
   *
   * @throws IllegalArgumentException naming the accepted kinds
   */
  @JsonCreator
  public static BandwidthKind of(String name) {
    for (BandwidthKind k : values()) {
      if (k.json.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown kind '" + Endpoint.printable(name) + "'; one of " + names());
  }

  /** The accepted names, separated by {@code |}. */
  public static String names() {
    return Arrays.stream(values()).map(BandwidthKind::json).collect(Collectors.joining("|"));
  }
}
