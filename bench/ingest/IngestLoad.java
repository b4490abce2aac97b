import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 * <p>Usage (compiled with javac -cp fabricscope-agent.jar bench/ingest/*.java): java
 * [-Dwarmup=SECONDS] -cp fabricscope-agent.jar:CLASSES IngestLoad URL ADMIN CLIENTS SECONDS MODE [RATE
 * [SERVER_PID]]. URL and SERVER_PID may each be comma-separated lists (server replicas on one
 * database: clients are spread over the URLs in turn, CPU is summed over the processes).
 */
public class IngestLoad {

  static final String MARK = "iteration=000000000";

  public static void main(String[] args) throws Exception {
    // several server replicas: comma-separated URLs, clients spread over them in turn
    String[] urls = args[0].split(",");
    String admin = args[1];
    int clients = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    String mode = args[4];
    double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;
    String serverPid = args.length > 6 ? args[6] : null;
    InetSocketAddress[] addrs = new InetSocketAddress[urls.length];
    for (int i = 0; i < urls.length; i++) {
      URI url = URI.create(urls[i]);
      addrs[i] = new InetSocketAddress(url.getHost(), url.getPort());
    }
    // 120 endpoints under two switch levels: 274 PCI functions, ~320 KB of report JSON
    Report base = SyntheticHosts.nestedSwitches("load", 120);
    String run = Long.toString(System.currentTimeMillis(), 36);
    LoadClient[] all = new LoadClient[clients];
    for (int c = 0; c < clients; c++) {
      String host = "load-" + run + "-" + c;
      String token = token(addrs[0], admin, host);
      all[c] = new LoadClient(c, addrs[c % addrs.length], host, token, mode, base);
    }
    System.err.printf(
        "report: %d PCI functions, %d bytes%n", base.pci().size(), all[0].variants[0].length);
    if (mode.equals("heartbeat")) {
      for (LoadClient c : all) {
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
    for (LoadClient c : all) {
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
    for (LoadClient c : all) {
      total += c.count;
      errs += c.errors;
    }
    long[] lat = new long[total];
    int k = 0;
    for (LoadClient c : all) {
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

  /** User + system CPU seconds of processes (PIDs comma-separated), summed. */
  static double cpuSeconds(String pids) {
    if (pids == null) {
      return 0;
    }
    double sum = 0;
    for (String pid : pids.split(",")) {
      sum += cpuSecondsOf(pid);
    }
    return sum;
  }

  /** User + system CPU seconds of a process, from /proc/PID/stat (clock ticks of 1/100 s). */
  static double cpuSecondsOf(String pid) {
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
}
