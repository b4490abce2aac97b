package dev.fabricscope.report;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.NvmlGpus;
import dev.fabricscope.topology.NvmlLink;
import dev.fabricscope.topology.NvmlPeer;
import dev.fabricscope.topology.Report;
import java.util.List;

/**
 * The real H200 host of the fixtures, discovered, with NVML fields on its GPU as the agent adds.
 */
final class H200WithNvml {

  private H200WithNvml() {}

  static Report report() throws Exception {
    Report r;
    try (var u =
        ArchiveExtractor.extract(Fixtures.root().resolve("gpu-hosts/h200-passthrough.tar.bz2"))) {
      r = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    String gpu = r.gpus().get(0).pciFunction();
    return r.withGpus(
        List.of(
            r.gpus()
                .get(0)
                .withNvml(
                    NvmlGpus.of(
                        "NVIDIA H200",
                        "9.0",
                        List.of(new NvmlLink(0, true, 4, gpu, "gpu")),
                        List.of(new NvmlPeer(gpu, "ok", "ok", "ok", "ok", "single"))))));
  }
}
