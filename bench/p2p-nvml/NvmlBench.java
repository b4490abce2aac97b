import dev.fabricscope.p2p.FastMatrix;
import dev.fabricscope.p2p.FleetFindings;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.NvmlHosts;
import dev.fabricscope.topology.Report;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fifth security review's cost of one report of many GPUs with NVML data, for
 * bench/p2p-nvml-bench.sh. {@code gen DIR N...}: writes DIR/rN.json, a NvmlHosts.manyGpus report
 * of N GPUs over 8 root buses with N/32 NICs (seed 7). {@code flat DIR N}: writes DIR/flatN.json,
 * NvmlHosts.flat of N GPUs and N NICs, none close to a GPU. {@code run FILE OP REPEAT}: reads the report
 * as the server does (ReportJson) and times OP ({@code findings} = FleetFindings.forHost, {@code
 * matrix} = FastMatrix over a new P2pAnalyzer, allPairs) REPEAT times in this JVM, printing ms.
 */
public class NvmlBench {
  public static void main(String[] a) throws Exception {
    if (a[0].equals("gen")) {
      for (int i = 2; i < a.length; i++) {
        int n = Integer.parseInt(a[i]);
        Report r = NvmlHosts.manyGpus("nvml-" + n, 7, n, 8, n / 32);
        Path out = Path.of(a[1], "r" + n + ".json");
        Files.writeString(out, ReportJson.write(r));
        System.err.printf("%s: %d GPUs, %d functions, %d bytes%n", out, r.gpus().size(),
            r.pci().size(), Files.size(out));
      }
      return;
    }
    if (a[0].equals("flat")) {
      int n = Integer.parseInt(a[2]);
      Report r = NvmlHosts.flat("flat-" + n, n, n);
      Path out = Path.of(a[1], "flat" + n + ".json");
      Files.writeString(out, ReportJson.write(r));
      System.err.printf("%s: %d GPUs and NICs, %d bytes%n", out, n, Files.size(out));
      return;
    }
    Report r = ReportJson.read(Files.readString(Path.of(a[1])));
    int repeat = Integer.parseInt(a[3]);
    StringBuilder times = new StringBuilder();
    for (int i = 0; i < repeat; i++) {
      long t = System.nanoTime();
      long size =
          a[2].equals("findings")
              ? FleetFindings.forHost("h", r).size()
              : new FastMatrix(new P2pAnalyzer(r)).allPairs().length;
      times.append(times.length() == 0 ? "" : " ").append((System.nanoTime() - t) / 1_000_000);
      if (size < 0) {
        throw new AssertionError();
      }
    }
    System.out.println(times);
  }
}
