package dev.fabricscope.agent.bandwidth.nvme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.host.NumaNodes;
import dev.fabricscope.agent.bandwidth.memory.FakeTree;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.agent.bandwidth.memory.MemoryRefusedException;
import dev.fabricscope.bandwidth.BandwidthFlow;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsRoot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The C reader through JNA against real files on a disk filesystem under {@code /var/tmp} (O_DIRECT
 * needs one; tmpfs refused it before Linux 6.6), standing in for the namespaces a sysfs tree names:
 * two "controllers" 0000:03:00.0 and 0000:04:00.0 whose namespaces are files of 8 MiB.
 */
class NvmeReadHelperTest {

  Path dir;
  NvmeReadHelper helper;

  @BeforeEach
  void tree() throws IOException {
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fabricscope-nvme-read-");
    Files.createDirectories(dir.resolve("dev"));
    int c = 0;
    for (String bdf : List.of("0000:03:00.0", "0000:04:00.0")) {
      String ns = "nvme" + c + "n1";
      Files.createDirectories(
          dir.resolve("sys/bus/pci/devices/" + bdf + "/nvme/nvme" + c + "/" + ns));
      try (RandomAccessFile f = new RandomAccessFile(dir.resolve("dev/" + ns).toFile(), "rw")) {
        f.setLength(8L << 20);
      }
      c++;
    }
    helper = new NvmeReadHelper(() -> SysfsRoot.of(dir), dir.resolve("dev"), NumaNodes::live);
  }

  @AfterEach
  void remove() {
    ArchiveExtractor.deleteTree(dir);
  }

  private static BandwidthSpec spec(String source, String target, long bytes, String... more) {
    return BandwidthSpec.of(
        BandwidthKind.NVME_READ,
        Endpoint.parse(source),
        Endpoint.parse(target),
        bytes,
        3,
        null,
        1,
        false,
        java.util.Arrays.stream(more).map(BandwidthFlow::parse).toList());
  }

  private Measurement run(BandwidthSpec s) throws HelperException {
    return helper.run(s, null, Cancellation.within(60));
  }

  @Test
  void oneFlowReadsTheNamespaceThatSysfsNames() throws Exception {
    // 12 MiB per pass from an 8 MiB "device": the reader wraps to its start
    Measurement m = run(spec("0000:03:00.0", "numa:0", 12L << 20));
    assertEquals(3, m.samplesGBps().size());
    assertTrue(m.samplesGBps().stream().allMatch(g -> g > 0), m.samplesGBps().toString());
    assertNull(m.flowSamplesGBps());
    assertEquals("fabricscope-nvme-read 2", m.helper());
    assertTrue(m.rawOutput().contains(dir.resolve("dev/nvme0n1").toString()), m.rawOutput());
  }

  @Test
  void twoFlowsAreTimedTogetherAndTheSamplesAreTheirSums() throws Exception {
    Measurement m = run(spec("0000:03:00.0", "numa:0", 4L << 20, "0000:04:00.0=numa:0"));
    List<List<Double>> flows = m.flowSamplesGBps();
    assertEquals(2, flows.size());
    for (int p = 0; p < 3; p++) {
      assertTrue(flows.get(0).get(p) > 0 && flows.get(1).get(p) > 0, flows.toString());
      assertEquals(flows.get(0).get(p) + flows.get(1).get(p), m.samplesGBps().get(p), 1e-9);
    }
    assertTrue(m.rawOutput().contains("nvme1n1"), m.rawOutput());
  }

  /** Each flow's read buffer (one read, 1 MiB) is reserved: a 3 MiB pod holds one, not two. */
  @Test
  void readBuffersOverTheMemoryBudgetAreRefused() throws Exception {
    FakeTree pod = new FakeTree(dir.resolve("pod")).selfCgroup("0::/\n").v2("/", 3L << 20, 0, 0);
    MemoryBudget budget = new MemoryBudget(pod::sysfs, () -> 0);
    NvmeReadHelper small =
        new NvmeReadHelper(() -> SysfsRoot.of(dir), dir.resolve("dev"), NumaNodes::live, budget);
    BandwidthSpec two = spec("0000:03:00.0", "numa:0", 4L << 20, "0000:04:00.0=numa:0");
    String why =
        assertThrows(
                MemoryRefusedException.class, () -> small.run(two, null, Cancellation.within(60)))
            .getMessage();
    assertTrue(why.startsWith("nvme-read needs 2 MiB of host memory, 1.5 MiB available"), why);
    BandwidthSpec one = spec("0000:03:00.0", "numa:0", 4L << 20);
    assertEquals(3, small.run(one, null, Cancellation.within(60)).samplesGBps().size());
    assertEquals(0, budget.reservedBytes());
  }

  @Test
  void aDeviceSmallerThanOneReadIsTheCLibrarysError() throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("dev/nvme0n1").toFile(), "rw")) {
      f.setLength(4096);
    }
    String why =
        assertThrows(HelperException.class, () -> run(spec("0000:03:00.0", "numa:0", 1L << 20)))
            .getMessage();
    assertTrue(why.contains("holds 4096 bytes, less than one read of 1048576"), why);
  }

  @Test
  void whatIsNoNvmeControllerHereIsRefusedBeforeAnyRead() {
    String why =
        assertThrows(HelperException.class, () -> run(spec("0000:05:00.0", "numa:0", 1L << 20)))
            .getMessage();
    assertEquals("0000:05:00.0 is not an NVMe controller with a namespace on this host", why);
    why =
        assertThrows(HelperException.class, () -> run(spec("0000:03:00.0", "numa:1023", 1L << 20)))
            .getMessage();
    assertTrue(why.startsWith("numa:1023 is not a NUMA node of this host"), why);
  }

  @Test
  void aMissingDeviceNodeIsNamed() throws Exception {
    Files.delete(dir.resolve("dev/nvme1n1"));
    String why =
        assertThrows(
                HelperException.class,
                () -> run(spec("0000:03:00.0", "numa:0", 1L << 20, "0000:04:00.0=numa:0")))
            .getMessage();
    assertTrue(why.contains("nvme1n1 (namespace of 0000:04:00.0) is missing"), why);
  }

  @Test
  void capabilityListsTheControllersOrSaysWhyItIsAbsent() throws Exception {
    HelperCapability c = helper.detect();
    assertTrue(c.present(), c.detail());
    assertEquals(List.of("pci:0000:03:00.0", "pci:0000:04:00.0"), c.devices());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    HelperCapability none =
        new NvmeReadHelper(() -> SysfsRoot.of(empty), empty, NumaNodes::live).detect();
    assertFalse(none.present());
    assertTrue(none.detail().startsWith("no NVMe namespace on this host"), none.detail());
  }
}
