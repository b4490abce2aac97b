import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sustained report ingest from N concurrent agents (issue 4, acceptance 7). Each client is one
 * agent with its own token, host and keep-alive HTTP/1.1 connection; requests are written as
 * prepared bytes over a plain socket, so the generator spends little of the machine's 2 cores.
 *
 * <p>Modes: {@code unchanged} resends the same full report; {@code heartbeat} sends what {@code
 * agent run} sends when nothing changed; {@code changed} alters one host field per request (a new
 * snapshot each, as when one value on a host changes); {@code changed-all} alters every PCI
 * function of the report in every request (no part equal to the previous report).
 *
 * <p>RATE 0 is a closed loop (each client sends its next report when the last one is answered:
 * the server's maximum). RATE &gt; 0 is an open loop at that many reports/s over all clients, each
 * client on its own schedule; latency is measured from the scheduled send time, so a stalled
 * server is not hidden (no coordinated omission). SERVER_PID, when given, adds the server's CPU
 * time per report from /proc.
 *
 * <p>Usage: java [-Dwarmup=SECONDS] -cp fabricscope-agent.jar IngestLoad.java URL ADMIN CLIENTS SECONDS MODE [RATE
 * [SERVER_PID]]
 */
public class IngestLoad {

  static final String MARK = "iteration=000000000";

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    String admin = args[1];
    int clients = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    String mode = args[4];
    double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;
    String serverPid = args.length > 6 ? args[6] : null;
    InetSocketAddress addr = new InetSocketAddress(url.getHost(), url.getPort());
    // 120 endpoints under two switch levels: 274 PCI functions, ~320 KB of report JSON
    Report base = SyntheticHosts.nestedSwitches("load", 120);
    String run = Long.toString(System.currentTimeMillis(), 36);
    Client[] all = new Client[clients];
    for (int c = 0; c < clients; c++) {
      String host = "load-" + run + "-" + c;
      String token = token(addr, admin, host);
      all[c] = new Client(c, addr, host, token, mode, base);
    }
    System.err.printf(
        "report: %d PCI functions, %d bytes%n", base.pci().size(), all[0].variants[0].length);
    if (mode.equals("heartbeat")) {
      for (Client c : all) {
        c.connect();
        // what an agent does first: the full report once
        int status = c.send("/api/v1/reports", c.fullRequest(0));
        if (status / 100 != 2) {
          throw new IllegalStateException("first report: HTTP " + status);
        }
      }
    }
    long start = System.nanoTime() + 200_000_000L;
    // warm-up: the same requests, closed loop, not measured (the JIT needs it under load)
    long warmupEnd = start + Long.getLong("warmup", 20) * 1_000_000_000L;
    long end = warmupEnd + seconds * 1_000_000_000L;
    double cpuBefore[] = new double[1];
    CountDownLatch done = new CountDownLatch(clients);
    AtomicLong errors = new AtomicLong();
    Thread cpuMark =
        new Thread(
            () -> {
              sleepUntil(warmupEnd);
              cpuBefore[0] = cpuSeconds(serverPid);
            });
    cpuMark.start();
    for (Client c : all) {
      new Thread(
              () -> {
                try {
                  c.run(start, warmupEnd, end, rate, clients);
                } catch (Exception e) {
                  errors.incrementAndGet();
                  System.err.println("client " + c.id + ": " + e);
                } finally {
                  done.countDown();
                }
              })
          .start();
    }
    done.await();
    cpuMark.join();
    double cpu = cpuSeconds(serverPid) - cpuBefore[0];
    int total = 0;
    long errs = errors.get();
    for (Client c : all) {
      total += c.count;
      errs += c.errors;
    }
    long[] lat = new long[total];
    int k = 0;
    for (Client c : all) {
      System.arraycopy(c.latency, 0, lat, k, c.count);
      k += c.count;
    }
    Arrays.sort(lat);
    System.out.printf(
        "mode=%s clients=%d rate=%s seconds=%d reports=%d reports/s=%.0f p50_ms=%.1f p99_ms=%.1f"
            + " max_ms=%.1f errors=%d server_cpu_ms_per_report=%s%n",
        mode,
        clients,
        rate == 0 ? "closed" : String.format("%.0f", rate),
        seconds,
        total,
        total / (double) seconds,
        pct(lat, 0.50),
        pct(lat, 0.99),
        lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6,
        errs,
        serverPid == null || total == 0 ? "-" : String.format("%.2f", cpu * 1000 / total));
  }

  static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) (sorted.length * p)] / 1e6;
  }

  /** User + system CPU seconds of a process, from /proc/PID/stat (clock ticks of 1/100 s). */
  static double cpuSeconds(String pid) {
    if (pid == null) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (Exception e) {
      return 0;
    }
  }

  static void sleepUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  static String token(InetSocketAddress addr, String admin, String host) throws Exception {
    byte[] body =
        ("{\"name\":\"" + host + "\",\"role\":\"agent\",\"host\":\"" + host + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket()) {
      s.connect(addr);
      Http.write(s.getOutputStream(), "/api/v1/tokens", admin, body);
      Http.Response r = Http.read(new java.io.BufferedInputStream(s.getInputStream()));
      if (r.status() != 201) {
        throw new IllegalStateException("token: " + r.status() + " " + r.body());
      }
      int i = r.body().indexOf("\"secret\":\"") + 10;
      return r.body().substring(i, r.body().indexOf('"', i));
    }
  }

  /** One agent: its connection, its prepared report bodies and what it measured. */
  static final class Client {
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

    Client(int id, InetSocketAddress addr, String host, String token, String mode, Report base)
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
                new Host(host, h.kernelVersion(), MARK, h.architecture(), h.cpu(), h.numaNodes()),
                pci,
                base.rdma(),
                base.net(),
                base.nvme(),
                base.gpus(),
                base.nvlinks(),
                base.diagnostics());
        variants[v] = ReportJson.write(r).getBytes(StandardCharsets.UTF_8);
        markAt[v] = indexOf(variants[v], MARK.getBytes(StandardCharsets.UTF_8));
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
      System.arraycopy(digits, 0, b, markAt[v] + MARK.length() - 9, 9);
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
      sleepUntil(start);
      for (int i = 1; ; i++) {
        boolean warm = System.nanoTime() >= warmupEnd;
        if (rate > 0 && warm) {
          sleepUntil(next);
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

/** The HTTP/1.1 a load generator needs: one POST, one response with Content-Length. */
final class Http {
  record Response(int status, String body) {}

  static void write(OutputStream out, String path, String token, byte[] body) throws Exception {
    String head =
        "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  static Response read(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    int status = -1;
    int length = 0;
    boolean chunked = false;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("connection closed");
      }
      if (b != '\n') {
        if (b != '\r') {
          line.append((char) b);
        }
        continue;
      }
      String l = line.toString();
      line.setLength(0);
      if (status < 0) {
        status = Integer.parseInt(l.substring(9, 12));
      } else if (l.isEmpty()) {
        break;
      } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(l.substring(15).trim());
      } else if (l.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
        chunked = true;
      }
    }
    if (chunked) {
      throw new IllegalStateException("chunked responses are not expected here");
    }
    byte[] body = in.readNBytes(length);
    return new Response(status, new String(body, StandardCharsets.UTF_8));
  }
}
