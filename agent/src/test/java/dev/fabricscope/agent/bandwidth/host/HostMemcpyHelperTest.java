package dev.fabricscope.agent.bandwidth.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.memory.FakeTree;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.agent.bandwidth.memory.MemoryRefusedException;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.bandwidth.Samples;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs our C library on this host: real copies, real NUMA binding, real timing. */
class HostMemcpyHelperTest {

  private final HostMemcpyHelper helper = new HostMemcpyHelper();

  private static BandwidthSpec spec(int src, int dst, long bytes, int reps, int threads) {
    return BandwidthSpec.of(
        BandwidthKind.HOST_MEMCPY,
        Endpoint.numa(src),
        Endpoint.numa(dst),
        bytes,
        reps,
        null,
        threads,
        false);
  }

  @Test
  void detectsTheLibraryAndTheNodes() {
    HelperCapability c = helper.detect();
    assertTrue(c.present(), c.detail());
    assertEquals("2", c.version()); // FSN_VERSION in fabricscope_native.h
    assertTrue(c.devices().contains("numa:0"), c.devices().toString());
  }

  /**
   * The reported per-copy times cannot add up to more than the wall time of the whole call (the C
   * side could not inflate its rate without breaking this), and the median cannot be slower than
   * the overall rate of the call, warm-up and allocation included.
   */
  @Test
  void samplesAreConsistentWithTheWallClock() throws Exception {
    long bytes = 64L << 20;
    int reps = 5;
    long t0 = System.nanoTime();
    Measurement m = helper.run(spec(0, 0, bytes, reps, 1), null, Cancellation.within(60));
    double wall = (System.nanoTime() - t0) / 1e9;
    assertEquals(reps, m.samplesGBps().size());
    assertEquals("fabricscope-membw 2", m.helper());
    Matcher inner = Pattern.compile("(\\d+) copies per timed pass").matcher(m.rawOutput());
    assertTrue(inner.find(), m.rawOutput());
    int copies = Integer.parseInt(inner.group(1));
    double timed = m.samplesGBps().stream().mapToDouble(g -> bytes / (g * 1e9) * copies).sum();
    assertTrue(timed <= wall, "timed " + timed + " s > wall " + wall + " s");
    double overall = bytes * (double) reps * copies / wall / 1e9;
    assertTrue(Samples.median(m.samplesGBps()) >= overall, m.samplesGBps() + " vs " + overall);
    assertTrue(m.rawOutput().contains("buffers bound and verified on their nodes"), m.rawOutput());
  }

  /**
   * Two copies at once share each pass's window: per pass, the flow that ended the window copied
   * all its bytes within it, so the sum over passes of the shortest bytes / rate cannot exceed the
   * wall time of the call; the test's samples are the per-pass sums.
   */
  @Test
  void concurrentCopiesShareTheirWindowsAndSumPerPass() throws Exception {
    long bytes = 16L << 20;
    BandwidthSpec two =
        BandwidthSpec.of(
            BandwidthKind.HOST_MEMCPY,
            Endpoint.numa(0),
            Endpoint.numa(0),
            bytes,
            4,
            null,
            1,
            false,
            java.util.List.of(dev.fabricscope.bandwidth.BandwidthFlow.parse("numa:0=numa:0")));
    long t0 = System.nanoTime();
    Measurement m = helper.run(two, null, Cancellation.within(60));
    double wall = (System.nanoTime() - t0) / 1e9;
    java.util.List<java.util.List<Double>> flows = m.flowSamplesGBps();
    assertEquals(2, flows.size());
    double windows = 0;
    for (int p = 0; p < 4; p++) {
      double a = flows.get(0).get(p);
      double b = flows.get(1).get(p);
      assertEquals(a + b, m.samplesGBps().get(p), 1e-9);
      assertTrue(Math.max(a, b) > 0, flows.toString());
      windows += bytes / (Math.max(a, b) * 1e9);
    }
    assertTrue(windows <= wall, "windows " + windows + " s > wall " + wall + " s");
    assertTrue(m.rawOutput().contains("2 concurrent flows"), m.rawOutput());
  }

  @Test
  void twoThreadsAndSmallBuffersRun() throws Exception {
    Measurement m = helper.run(spec(0, 0, 1L << 20, 3, 2), null, Cancellation.within(60));
    assertEquals(3, m.samplesGBps().size());
    m.samplesGBps().forEach(g -> assertTrue(g > 0.1 && g < 10_000, m.samplesGBps().toString()));
    // 1 MiB is copied many times per pass so a pass lasts at least 1 ms
    assertTrue(
        m.rawOutput().matches("(?s).* ([2-9]|\\d\\d+) copies per timed pass.*"), m.rawOutput());
  }

  @Test
  void cancelStopsARunningCopy() throws Exception {
    Cancellation cancel = Cancellation.within(120);
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                return;
              }
              cancel.cancel();
            });
    t.start();
    long t0 = System.nanoTime();
    HelperException e =
        assertThrows(
            HelperException.class, () -> helper.run(spec(0, 0, 64L << 20, 1000, 1), null, cancel));
    assertEquals("cancelled", e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1e9 < 10, "stopped late");
  }

  @Test
  void deadlineStopsARunningCopy() {
    HelperException e =
        assertThrows(
            HelperException.class,
            () -> helper.run(spec(0, 0, 64L << 20, 1000, 1), null, Cancellation.within(1)));
    assertEquals("deadline passed", e.getMessage());
  }

  @Test
  void unknownNodesAreRefusedBeforeAnyCopy() {
    HelperException e =
        assertThrows(
            HelperException.class,
            () -> helper.run(spec(0, 7, 1 << 20, 1, 1), null, Cancellation.within(5)));
    assertTrue(e.getMessage().contains("numa:7 is not a NUMA node of this host"), e.getMessage());
  }

  /**
   * A 64 MiB cgroup (nothing in use) lets tests take 32 MiB: two buffers of 16 MiB and a cache line
   * do not fit, of 15 MiB they do; concurrent flows count every flow's pair. The budget is held
   * only while the copy runs.
   */
  @Test
  void buffersOverTheMemoryBudgetAreRefusedBeforeAnyCopy(@TempDir Path dir) throws Exception {
    FakeTree pod = new FakeTree(dir).selfCgroup("0::/\n").v2("/", 64L << 20, 0, 0);
    MemoryBudget budget = new MemoryBudget(pod::sysfs, () -> 0);
    HostMemcpyHelper small = new HostMemcpyHelper(NumaNodes::live, budget);
    MemoryRefusedException e =
        assertThrows(
            MemoryRefusedException.class,
            () -> small.run(spec(0, 0, 16L << 20, 1, 1), null, Cancellation.within(5)));
    assertEquals(
        "host-memcpy needs 32.1 MiB of host memory, 32 MiB available (cgroup limit 64 MiB, 0 B in"
            + " use; MemAvailable unknown (/proc/meminfo missing); numa:0 MemFree unknown"
            + " (/sys/devices/system/node/node0/meminfo missing); tests take at most 50 % of what"
            + " is free)",
        e.getMessage());
    assertEquals(
        3,
        small.run(spec(0, 0, 15L << 20, 3, 1), null, Cancellation.within(60)).samplesGBps().size());
    BandwidthSpec two =
        BandwidthSpec.of(
            BandwidthKind.HOST_MEMCPY,
            Endpoint.numa(0),
            Endpoint.numa(0),
            8L << 20,
            1,
            null,
            1,
            false,
            java.util.List.of(dev.fabricscope.bandwidth.BandwidthFlow.parse("numa:0=numa:0")));
    e =
        assertThrows(
            MemoryRefusedException.class, () -> small.run(two, null, Cancellation.within(5)));
    assertTrue(
        e.getMessage().startsWith("host-memcpy needs 32.1 MiB of host memory"), e.getMessage());
    assertEquals(0, budget.reservedBytes());
  }

  @Test
  void aSourceNodeWithoutCpusIsRefused() {
    TreeMap<Integer, NumaNodes.Node> nodes = new TreeMap<>();
    nodes.put(0, new NumaNodes.Node(0, new int[0], null));
    HelperException e =
        assertThrows(
            HelperException.class,
            () ->
                new HostMemcpyHelper(() -> new NumaNodes(nodes, true), MemoryBudget.shared())
                    .run(spec(0, 0, 1 << 20, 1, 1), null, Cancellation.within(5)));
    assertTrue(e.getMessage().contains("numa:0 has no CPUs"), e.getMessage());
  }

  /** The kernel, asked page by page, puts a bound buffer where mbind said; a missing node fails. */
  @Test
  void buffersLandOnTheirNodeAndMissingNodesFailInTheKernel() {
    FabricscopeNative.Lib lib = FabricscopeNative.lib();
    IntByReference bound = new IntByReference();
    byte[] err = new byte[FabricscopeNative.ERR_LEN];
    Pointer p = lib.fsn_alloc_on_node(8L << 20, 0, bound, err, err.length);
    try {
      assertTrue(p != null, FabricscopeNative.message(err));
      assertEquals(1, bound.getValue());
      assertEquals(0, lib.fsn_node_of(p));
      assertEquals(0, lib.fsn_misplaced_pages(p, 8L << 20, 0));
    } finally {
      lib.fsn_free(p, 8L << 20);
    }
    int missing = NumaNodes.live().nodes().lastKey() + 1;
    Pointer q = lib.fsn_alloc_on_node(1L << 20, missing, bound, err, err.length);
    assertNull(q);
    assertTrue(
        FabricscopeNative.message(err).startsWith("mbind to numa:" + missing + ": "),
        FabricscopeNative.message(err));
    q = lib.fsn_alloc_on_node(1L << 20, 5000, bound, err, err.length);
    assertNull(q);
    assertEquals("NUMA node 5000 out of range 0-1023", FabricscopeNative.message(err));
  }
}
