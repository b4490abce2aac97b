package dev.fabricscope.bench;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.p2p.FastMatrix;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.P2pMatrix;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.nio.file.Path;
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
 * All-pairs P2P verdicts (issue 3, acceptance 6): a synthetic host of 1,000 endpoints under nested
 * switches (499,500 pairs) and the DGX-2 hwloc export (16 GPUs, 120 pairs). Each operation builds
 * the analyzer from the report and computes every pair, as {@code topo} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class AllPairsBenchmark {

  Report synthetic;
  Report dgx2;

  @Setup
  public void setUp() throws Exception {
    synthetic = SyntheticHosts.nestedSwitches("synthetic-1000", 1000);
    String fixtures = System.getProperty("fabricscope.fixtures", "../shared/fixtures");
    dgx2 = Importers.load(Path.of(fixtures, "hwloc-xml", "nvidiaDGX2.xml"));
  }

  /** Verdicts (kernel, nvidia-smi, NCCL, bottleneck) for all 499,500 pairs. */
  @Benchmark
  public FastMatrix.Cell[] synthetic1000AllPairs() {
    return new FastMatrix(new P2pAnalyzer(synthetic)).allPairs();
  }

  /** The same for the DGX-2's 16 GPUs. */
  @Benchmark
  public FastMatrix.Cell[] dgx2AllPairs() {
    return new FastMatrix(new P2pAnalyzer(dgx2)).allPairs();
  }

  /** The DGX-2 with full explanations (hops, reasons with fixes), as topo --format json. */
  @Benchmark
  public P2pMatrix dgx2AllPairsExplained() {
    return new P2pAnalyzer(dgx2).matrix();
  }
}
