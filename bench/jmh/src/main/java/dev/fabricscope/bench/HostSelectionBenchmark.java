package dev.fabricscope.bench;

import dev.fabricscope.importer.Importers;
import java.nio.file.Path;
import dev.fabricscope.plan.HostOffer;
import dev.fabricscope.plan.HostSelector;
import dev.fabricscope.plan.JobShape;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Host selection over 10,000 hosts (issue 13, acceptance 5: ≤ 1 s). The fleet is real machines
 * repeated under 10,000 names: the DGX-2 (16 GPUs, 8 NICs), Lassen (4 GPUs, 4 NIC ports) and the
 * 137-function hwloc host, each host's rates scaled a little so the ranking has work to do. {@link
 * #select10000} is what the API does per request once offers are cached per snapshot; {@link
 * #offerOfDgx2} is the one-time cost of a host whose snapshot is new (planning its gpu-to-nic).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class HostSelectionBenchmark {

  /** The shared fixtures beside the checkout; run from the repository root. */
  static final Path FIXTURES = Path.of("../shared/fixtures");

  Report dgx2;
  List<HostOffer> fleet;
  JobShape job = new JobShape(4, 1, false, 1.0, null);

  @Setup
  public void setUp() throws Exception {
    dgx2 = Importers.load(FIXTURES.resolve("hwloc-xml/nvidiaDGX2.xml"));
    List<HostOffer> kinds =
        List.of(
            HostOffer.of("dgx2", dgx2),
            HostOffer.of("lassen", Importers.load(FIXTURES.resolve("hwloc-xml/llnl-lassen.xml"))),
            HostOffer.of(
                "hwloc137",
                Importers.load(
                    FIXTURES.resolve("hwloc-xml/96em64t-4n4d3ca2co-pci.xml"))));
    fleet = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      HostOffer k = kinds.get(i % kinds.size());
      double scale = 0.8 + (i % 97) / 240.0;
      List<HostOffer.GpuOffer> gpus = new ArrayList<>();
      for (HostOffer.GpuOffer g : k.gpus()) {
        gpus.add(
            new HostOffer.GpuOffer(
                g.gpu(), g.nic(), g.rdma(), g.port(), g.linkLayer(), g.kernel(), g.pathClass(),
                g.gpuNicGBps() == null ? null : g.gpuNicGBps() * scale));
      }
      fleet.add(new HostOffer("node" + i, gpus, k.portsByLinkLayer()));
    }
  }

  /** Rank 10,000 cached offers for a 4-GPU, 1-NIC-per-GPU job with a rate floor. */
  @Benchmark
  public HostSelector.Selection select10000() {
    return HostSelector.select(job, fleet);
  }

  /** One host's offer: the planner's pairing and gpu-to-nic prediction of the DGX-2. */
  @Benchmark
  public HostOffer offerOfDgx2() {
    return HostOffer.of("dgx2", dgx2);
  }
}
