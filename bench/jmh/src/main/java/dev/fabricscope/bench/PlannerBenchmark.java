package dev.fabricscope.bench;

import dev.fabricscope.planner.Flow;
import dev.fabricscope.planner.FlowEnd;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.planner.Planner;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
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
 * Max-min fair shares of 64 concurrent flows on a 1,000-endpoint synthetic host (issue 13,
 * acceptance 5: ≤ 10 ms). Each operation indexes the report (the path model) and plans, as a
 * request to the planner does: 32 GPU→NIC/NVMe flows across switches and root ports (half of them
 * redirected by ACS) and 32 GPU→host-memory flows on both sockets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class PlannerBenchmark {

  Report synthetic;
  List<Flow> flows;

  @Setup
  public void setUp() {
    synthetic = SyntheticHosts.nestedSwitches("synthetic-1000", 1000);
    List<String> gpus = synthetic.gpus().stream().map(Gpu::pciFunction).sorted().toList();
    List<String> others = new ArrayList<>();
    for (PciFunction f : synthetic.pci()) {
      if (f.kind() == DeviceKind.RDMA || f.kind() == DeviceKind.NVME) {
        others.add(f.bdf());
      }
    }
    flows = new ArrayList<>();
    for (int i = 0; flows.size() < 64; i++) {
      String gpu = gpus.get((i * 5) % gpus.size());
      flows.add(
          i % 2 == 0
              ? new Flow(FlowEnd.device(gpu), FlowEnd.device(others.get((i * 7) % others.size())))
              : new Flow(FlowEnd.device(gpu), FlowEnd.memory(i % 4 == 1 ? 0 : 1)));
    }
  }

  /** Index the report, route 64 flows, solve max-min. */
  @Benchmark
  public PlanResult synthetic1000MaxMin64() {
    return new Planner(synthetic).plan(flows, PlanOptions.DEFAULTS);
  }
}
