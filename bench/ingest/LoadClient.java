import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** One agent of {@link IngestLoad}: its connection, its prepared report bodies and what it measured. */
final class LoadClient {
  final int id;
  final InetSocketAddress addr;
  final String host;
  final String token;
  final String mode;
  final byte[][] variants;
  final int[] markAt;
  final byte[] heartbeat;
  final long[] latency = new long[1 << 20];
  int count;
  long errors;
  Socket socket;
  InputStream in;

  LoadClient(int id, InetSocketAddress addr, String host, String token, String mode, Report base)
      throws Exception {
    this.id = id;
    this.addr = addr;
    this.host = host;
    this.token = token;
    this.mode = mode;
    // changed-all: four variants in which every PCI function differs (its NUMA node), cycled
    int n = mode.equals("changed-all") ? 4 : 1;
    variants = new byte[n][];
    markAt = new int[n];
    for (int v = 0; v < n; v++) {
      List<PciFunction> pci = new ArrayList<>();
      for (PciFunction f : base.pci()) {
        pci.add(n == 1 ? f : withNuma(f, v));
      }
      Host h = base.host();
      Report r =
          new Report(
              1,
              "synthetic",
              new Host(
                  host,
                  h.kernelVersion(),
                  IngestLoad.MARK,
                  h.architecture(),
                  h.cpu(),
                  h.numaNodes(),
                  h.packages()),
              pci,
              base.rdma(),
              base.net(),
              base.nvme(),
              base.gpus(),
              base.nvlinks(),
              base.diagnostics());
      variants[v] = ReportJson.write(r).getBytes(StandardCharsets.UTF_8);
      markAt[v] = indexOf(variants[v], IngestLoad.MARK.getBytes(StandardCharsets.UTF_8));
    }
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(variants[0]));
    heartbeat =
        ("{\"host\":\"" + host + "\",\"contentHash\":\"" + hash + "\"}")
            .getBytes(StandardCharsets.UTF_8);
  }

  static PciFunction withNuma(PciFunction f, int v) {
    return new PciFunction(
        f.bdf(), f.parent(), f.hostBridge(), f.vendorId(), f.deviceId(),
        f.subsystemVendorId(), f.subsystemDeviceId(), f.classCode(), f.revision(),
        f.vendorName(), f.deviceName(), f.kind(), f.portType(), f.portTypeSource(),
        f.driver(), 10 + v, f.localCpulist(), f.iommu(), f.sriov(), f.p2pmem(), f.link(),
        f.acs(), f.config());
  }

  void connect() throws Exception {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(addr);
    in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
  }

  /** The i-th full report request body: the iteration number written into host fields. */
  byte[] fullRequest(int i) {
    int v = i % variants.length;
    if (mode.equals("unchanged") || i == 0) {
      return variants[v];
    }
    byte[] b = variants[v].clone();
    byte[] digits = String.format("%09d", i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, b, markAt[v] + IngestLoad.MARK.length() - 9, 9);
    return b;
  }

  int send(String path, byte[] body) throws Exception {
    Http.write(socket.getOutputStream(), path, token, body);
    return Http.read(in).status();
  }

  void run(long start, long warmupEnd, long end, double rate, int clients) throws Exception {
    if (socket == null) {
      connect();
    }
    // open loop: this client's share of RATE, offset so the clients do not send in step
    long interval = rate > 0 ? (long) (1e9 * clients / rate) : 0;
    long next = warmupEnd + (interval * id) / clients;
    IngestLoad.sleepUntil(start);
    for (int i = 1; ; i++) {
      boolean warm = System.nanoTime() >= warmupEnd;
      if (rate > 0 && warm) {
        IngestLoad.sleepUntil(next);
      }
      long scheduled = rate > 0 && warm ? next : System.nanoTime();
      if (scheduled >= end) {
        return;
      }
      boolean beat = mode.equals("heartbeat");
      int status =
          beat
              ? send("/api/v1/reports/heartbeat", heartbeat)
              : send("/api/v1/reports", fullRequest(i));
      long e = System.nanoTime();
      if (status / 100 != 2) {
        errors++;
      } else if (scheduled >= warmupEnd && count < latency.length) {
        latency[count++] = e - scheduled;
      }
      if (warm) {
        next += interval;
      }
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("marker not in report");
  }
}
