import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The driver of bench/p2p-bench.sh (a single-file program: {@code java P2pBench.java ...}).
 *
 * <ul>
 *   <li>{@code gen DIR N HOST...}: writes SyntheticHosts.nestedSwitches(HOST, N) as report JSON to
 *       DIR/HOST.json for each HOST (needs
 *       the server's classes on the class path; found by reflection so that {@code measure} runs
 *       on the JDK alone).
 *   <li>{@code measure LABEL URL TOKEN PID CONCURRENCY TIMEOUT_S}: forces a GC in the server
 *       (jcmd), resets its peak RSS (/proc/PID/clear_refs), sends CONCURRENCY GETs of URL at once
 *       and prints one Markdown row: statuses, latency (each request, ms), response bytes, peak
 *       heap use above the heap used before (MiB; jstat every 10 ms, garbage included), peak RSS
 *       above the RSS before (MiB) and heap used after a GC above the heap used before (MiB, what
 *       the server keeps: the cache).
 * </ul>
 */
public class P2pBench {

  public static void main(String[] args) throws Exception {
    if (args[0].equals("gen")) {
      Class<?> hosts = Class.forName("dev.fabricscope.topology.SyntheticHosts");
      Method synth = hosts.getMethod("nestedSwitches", String.class, int.class);
      Method write =
          Class.forName("dev.fabricscope.report.ReportJson")
              .getMethod("write", Class.forName("dev.fabricscope.topology.Report"));
      int n = Integer.parseInt(args[2]);
      for (String host : Arrays.asList(args).subList(3, args.length)) {
        Object report = synth.invoke(null, host, n);
        Files.writeString(Path.of(args[1], host + ".json"), (String) write.invoke(null, report));
      }
      return;
    }
    measure(
        args[1],
        args[2],
        args[3],
        Long.parseLong(args[4]),
        Integer.parseInt(args[5]),
        Integer.parseInt(args[6]));
  }

  record Result(String status, long millis, long bytes) {}

  static void measure(String label, String url, String token, long pid, int n, int timeoutS)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    // the client's own first request (class loading, connection) is not the server's time
    http.send(
        HttpRequest.newBuilder(URI.create(url).resolve("/q/health/live")).build(),
        HttpResponse.BodyHandlers.discarding());
    gc(pid);
    long rss0 = statusKb(pid, "VmRSS");
    long heap0 = heapUsedKb(pid);
    HeapSampler sampler = new HeapSampler(pid);
    Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5"); // peak RSS := RSS now
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Result>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(
          pool.submit(
              () -> {
                go.await();
                HttpRequest req =
                    HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(timeoutS))
                        .build();
                long t0 = System.nanoTime();
                try {
                  HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                  return new Result(
                      String.valueOf(r.statusCode()),
                      (System.nanoTime() - t0) / 1_000_000,
                      r.body().length);
                } catch (HttpTimeoutException e) {
                  return new Result("none in " + timeoutS + " s", -1, 0);
                }
              }));
    }
    go.countDown();
    List<Result> results = new ArrayList<>();
    for (Future<Result> f : futures) {
      results.add(f.get());
    }
    pool.shutdownNow();
    long peak = statusKb(pid, "VmHWM");
    long heapPeak = sampler.stop();
    gc(pid);
    long heap1 = heapUsedKb(pid);
    long[] ms = results.stream().mapToLong(Result::millis).sorted().toArray();
    String latency =
        ms[0] < 0
            ? "> " + timeoutS + " s"
            : n == 1 ? ms[0] + " ms" : "max " + ms[n - 1] + " ms (" + Arrays.toString(ms) + ")";
    System.out.printf(
        "| %s | %d | %s | %s | %.2f MB | %d MiB | %d MiB | %d MiB |%n",
        label,
        n,
        results.stream().map(Result::status).distinct().toList(),
        latency,
        results.get(0).bytes() / 1e6,
        (heapPeak - sampler.first()) / 1024,
        (peak - rss0) / 1024,
        (heap1 - heap0) / 1024);
  }

  /**
   * The highest heap use (survivors + eden + old, KiB) that {@code jstat -gc PID 10} sees while
   * the requests run: garbage included until it is collected, so an upper bound of the memory a
   * request costs. RSS alone understates it once the JVM has grown its heap.
   */
  static final class HeapSampler {
    private final Process jstat;
    private final Thread reader;
    private volatile long max;
    private volatile long first = -1;

    HeapSampler(long pid) throws IOException {
      Path bin = Path.of(System.getProperty("java.home"), "bin", "jstat");
      jstat = new ProcessBuilder(bin.toString(), "-gc", String.valueOf(pid), "10").start();
      reader =
          new Thread(
              () -> {
                try (var in =
                    new java.io.BufferedReader(
                        new java.io.InputStreamReader(jstat.getInputStream()))) {
                  List<String> head = null;
                  String line;
                  while ((line = in.readLine()) != null) {
                    List<String> cols = Arrays.asList(line.trim().split("\\s+"));
                    if (cols.contains("EU")) {
                      head = cols;
                      continue;
                    }
                    if (head == null || cols.size() != head.size()) {
                      continue;
                    }
                    double used = 0;
                    for (String c : List.of("S0U", "S1U", "EU", "OU")) {
                      used += Double.parseDouble(cols.get(head.indexOf(c)));
                    }
                    if (first < 0) {
                      first = (long) used;
                    }
                    max = Math.max(max, (long) used);
                  }
                } catch (IOException | RuntimeException e) {
                  // jstat ended
                }
              });
      reader.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (first < 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    }

    /** The first sample: the heap used before the requests. */
    long first() {
      return first;
    }

    long stop() throws InterruptedException {
      Thread.sleep(50); // one more sample after the last answer
      jstat.destroy();
      reader.join(2000);
      return max;
    }
  }

  static void gc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Thread.sleep(500);
  }

  static long heapUsedKb(long pid) throws IOException, InterruptedException {
    // "garbage-first heap   total 262144K, used 81234K [...]"
    Matcher m = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  static long statusKb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IOException(field + " not in /proc/" + pid + "/status");
  }
}
